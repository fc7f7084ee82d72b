import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';

/**
 * Connections the kernel queues for a listening socket before they are accepted (capped by
 * `net.core.somaxconn`, 4096 on current Linux). Node's default of 511 overflows when a ticket
 * drop opens a thousand connections at once: the kernel drops the SYNs beyond it and those
 * clients retry only after a second.
 */
export const LISTEN_BACKLOG = 4096;

/**
 * How long an idle keep-alive connection stays open (Node's default is 5 s). Longer than the
 * proxies in front keep theirs (ingress-nginx's upstream keep-alive is 60 s; the local gateway's
 * agent drops an idle socket after 30 s): a proxy must close an idle connection before the
 * service does, or it can send a request down a connection the service is closing at that very
 * moment and answer the client 502.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ServeOptions {
  service: string;
  app: Express;
  port: number;
  /** The address to listen on (default 127.0.0.1: this machine only; `HOST` in the configuration). */
  host?: string;
  logger: Logger;
  /**
   * Run in order after the HTTP server stops accepting requests, e.g. close listeners (finish
   * in-flight messages), stop the outbox relay, drain NATS, close the database.
   */
  cleanup?: Array<() => Promise<unknown>>;
  /** Signals that start a graceful shutdown (default SIGTERM and SIGINT). */
  signals?: NodeJS.Signals[];
  /** Called once shutdown is complete (default: `process.exit(code)`). */
  exit?: (code: number) => void;
}

export interface RunningService {
  server: Server;
  /** Resolves once the server listens; its port is the real one when 0 was asked for. */
  ready: Promise<number>;
  /** The graceful shutdown the signals trigger; safe to call more than once. */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Listens with the service's app and wires the graceful shutdown every service shares: stop
 * accepting requests, let in-flight ones finish, then run the cleanup steps in order. A failing
 * step is logged and the rest still run; the exit code is then 1.
 */
export function serve({
  service,
  app,
  port,
  host = '127.0.0.1',
  logger,
  cleanup = [],
  signals = ['SIGTERM', 'SIGINT'],
  exit,
}: ServeOptions): RunningService {
  const server = createServer(
    { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 1_000 },
    app,
  );
  server.listen({ port, host, backlog: LISTEN_BACKLOG });
  const ready = new Promise<number>((resolve, reject) => {
    server.once('listening', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      logger.info({ host, port: actual }, `${service} listening`);
      resolve(actual);
    });
    server.once('error', reject);
  });

  let stopping: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') => {
    stopping ??= (async () => {
      logger.info({ reason }, `${service} shutting down`);
      let code = 0;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const step of cleanup) {
        try {
          await step();
        } catch (error) {
          code = 1;
          logger.error({ err: error }, 'shutdown step failed');
        }
      }
      logger.info(`${service} stopped`);
      (exit ?? ((c: number) => process.exit(c)))(code);
    })();
    return stopping;
  };
  for (const signal of signals) process.once(signal, () => void shutdown(signal));

  return { server, ready, shutdown };
}

/**
 * Runs a service's `main`; a start-up failure (database, broker, bad migration) is printed as
 * one clear line and the process exits with code 1 instead of an unhandled rejection.
 */
export function runMain(
  service: string,
  main: () => Promise<unknown>,
  exit: (code: number) => void = process.exit,
): Promise<void> {
  return main().then(
    () => undefined,
    (error: unknown) => {
      process.stderr.write(`${service} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      exit(1);
    },
  );
}
