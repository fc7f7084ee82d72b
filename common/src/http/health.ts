import { Router } from 'express';

/** A health check: resolves when the dependency is reachable, rejects (or hangs) when not. */
export type ReadinessCheck = () => Promise<unknown>;

/** How long `/readyz` waits for one check before calling it failed. */
export const READINESS_TIMEOUT_MS = 2000;

/** Checks by name, e.g. `{ db: database.ping }`. */
export type HealthChecks = Record<string, ReadinessCheck>;

export interface HealthRouterOptions {
  timeoutMs?: number;
  /**
   * Dependencies the service degrades without but can still serve its own requests (NATS: the
   * outbox keeps every event until it is back; Redis; downstream services). Reported by
   * `GET /healthz/details` and the `ticketing_dependency_up` gauge, never by `/readyz`: a
   * broker restart must not take every pod out of its Service.
   */
  dependencies?: HealthChecks;
}

/** The paths {@link healthRouter} answers. */
export const HEALTH_PATHS = ['/livez', '/readyz', '/healthz/details'] as const;

/**
 * `GET /livez` (the process answers), `GET /readyz` (this process can serve its own requests:
 * every readiness check, normally only its own database, passes within the timeout: 200
 * `{status:'ready', checks}`, else 503 `{status:'not ready', checks}` naming the error) and
 * `GET /healthz/details` (readiness checks and dependencies together: 200 `{status:'ok'}` when
 * all pass, else 503 `{status:'degraded'}`; for people and blackbox probes, never a kubelet probe).
 */
export function healthRouter(readiness: HealthChecks = {}, options: HealthRouterOptions = {}): Router {
  const timeoutMs = options.timeoutMs ?? READINESS_TIMEOUT_MS;
  const router = Router();

  router.get('/livez', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const { ok, checks } = await runChecks(readiness, timeoutMs);
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ready' : 'not ready', checks });
  });

  router.get('/healthz/details', async (_req, res) => {
    const { ok, checks } = await runChecks({ ...readiness, ...options.dependencies }, timeoutMs);
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'degraded', checks });
  });

  return router;
}

/** Runs every check at once; each result is `'ok'` or `'error: <message>'`. */
export async function runChecks(
  checks: HealthChecks,
  timeoutMs: number = READINESS_TIMEOUT_MS,
): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  return { ok: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
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
