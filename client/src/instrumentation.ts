/**
 * Runs once when the Next server starts. With METRICS_PORT set (the Kubernetes manifests set it),
 * the Prometheus metrics are served on that port; locally nothing extra listens.
 */
export async function register() {
  const port = Number(process.env.METRICS_PORT);
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !Number.isInteger(port) || port <= 0) return;
  const { startMetricsServer } = await import('@/lib/metrics-server');
  await startMetricsServer(port);
}
