import type { Express } from 'express';
import type pino from 'pino';
import { createLogger } from '../../logging/logger';
import { createServiceApp, type ServiceAppOptions } from '../create-service-app';

export const JWT_KEY = 'test-jwt-key-0123456789abcdef0123456789';

/** A parsed pino log line. */
export type LogLine = Record<string, unknown> & { msg?: string; level: number };

/** The services' logger (createLogger), its lines kept in memory so tests can assert on what was logged. */
export function capturedLogger(level = 'info'): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger('test-service', level, {
    write: (line: string) => lines.push(JSON.parse(line) as LogLine),
  });
  return { logger, lines };
}

/** A real service app with a captured logger; `routes` mounts the routes under test. */
export function buildApp(
  routes: (app: Express) => void,
  options: Partial<Omit<ServiceAppOptions, 'routes'>> = {},
): { app: Express; lines: LogLine[] } {
  const { logger, lines } = capturedLogger();
  const app = createServiceApp({ service: 'test-service', logger, ...options, routes });
  return { app, lines };
}
