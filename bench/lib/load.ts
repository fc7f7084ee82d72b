import autocannon, { type Instance, type Options, type Result } from 'autocannon';

/** What one load run measured, in the units the report uses. */
export interface LoadResult {
  /** Responses with the counted status (e.g. 2xx) per second of the run. */
  rps: number;
  /** Latency percentiles over every answer, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Answers by status code. */
  status: Record<string, number>;
  /** Connection errors and time-outs. */
  errors: number;
  durationS: number;
  total: number;
  /**
   * CPU milliseconds per answer of each process involved, when the run was measured for it: up to
   * the end of the work the answers caused (see `PlatformContext.measured`).
   */
  cpuMsPerRequest?: Record<string, number>;
  /** How long after the last answer the events it caused were still being published and applied. */
  settledAfterMs?: number;
}

export interface LoadOptions extends Options {
  /** Statuses that count towards `rps` (default: every 2xx). */
  countStatus?: (status: number) => boolean;
  /** Called with the running instance, e.g. to stop it early once its request supply is used up. */
  onStart?: (instance: Instance) => void;
}

/** One autocannon run. Latencies include non-2xx answers (a rejected buyer's answer time counts too). */
export function load({
  countStatus = (s) => s >= 200 && s < 300,
  onStart,
  ...options
}: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ timeout: 30, setupClient: reconnectAfterClose, ...options }, (error, result) => {
      if (error) reject(error);
      else resolve(summarise(result, countStatus));
    });
    onStart?.(instance);
  });
}

function summarise(result: Result, countStatus: (status: number) => boolean): LoadResult {
  const status: Record<string, number> = {};
  let counted = 0;
  let total = 0;
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
    status[code] = Number(count);
    total += Number(count);
    if (countStatus(Number(code))) counted += Number(count);
  }
  // autocannon's own duration is the wall time of the run, including a stop() cut short.
  const durationS = (result.finish.getTime() - result.start.getTime()) / 1000 || result.duration;
  return {
    rps: counted / durationS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    status,
    errors: result.errors,
    durationS,
    total,
  };
}

/** A short run first (connections, JIT and pools warm up), then the measured one. */
export async function warmAndLoad(options: LoadOptions, warmupS: number): Promise<LoadResult> {
  if (warmupS > 0) await load({ ...options, duration: warmupS, onStart: undefined });
  return load(options);
}

interface AutocannonClient {
  on(event: 'headers', listener: (info: { shouldKeepAlive?: boolean }) => void): void;
  _doRequest(): void;
}

/**
 * autocannon writes the next request as soon as a response is complete, even when that response
 * said `Connection: close`; the request is lost with the socket, stays in its queue, and every
 * later latency is measured from it (they grow without bound). So after such a response this
 * skips that write and lets the reconnect send the request on the new connection — the latency
 * then includes the new connection, as it does for a real client.
 */
function reconnectAfterClose(client: AutocannonClient): void {
  let closing = false;
  client.on('headers', (info) => {
    closing = info.shouldKeepAlive === false;
  });
  const doRequest = client._doRequest.bind(client);
  client._doRequest = () => {
    if (closing) {
      closing = false;
      return;
    }
    doRequest();
  };
}
