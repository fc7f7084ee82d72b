import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Creates the service's structured JSON logger. Every line carries the service name, so the
 * interleaved output of `npm start` and of a cluster can be filtered per service.
 */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  });
}
