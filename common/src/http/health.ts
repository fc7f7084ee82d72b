import { Router } from 'express';

/** A readiness check: resolves when the dependency is reachable, rejects (or hangs) when not. */
export type ReadinessCheck = () => Promise<unknown>;

/** How long `/readyz` waits for one check before calling it failed. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * `GET /livez` (the process answers) and `GET /readyz` (every readiness check passes within the
 * timeout: 200 `{status:'ready', checks}`, else 503 `{status:'not ready', checks}` naming the error).
 */
export function healthRouter(
  readiness: Record<string, ReadinessCheck> = {},
  options: { timeoutMs?: number } = {},
): Router {
  const timeoutMs = options.timeoutMs ?? READINESS_TIMEOUT_MS;
  const router = Router();

  router.get('/livez', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(readiness).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, result]) => result === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return router;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // The check runs inside the try so a check that throws synchronously is reported too.
    await Promise.race([Promise.resolve().then(check), timeout]);
    return 'ok';
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
