import cookieSession from 'cookie-session';
import express, { type Express, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { ServiceApi } from '../api/operation';
import { responseObserver } from '../contracts/observer';
import { openApiDocument } from '../contracts/openapi';
import { NotFoundError } from '../errors';
import { currentUser, type SessionRevocationCheck } from './current-user';
import { errorHandler } from './error-handler';
import { HEALTH_PATHS, type HealthChecks, healthRouter } from './health';
import { createMetrics, registerDependencyGauge } from './metrics';
import { httpLogger } from './request-context';
import { trustedProxy } from './trust-proxy';

/** What {@link createServiceApp} needs to build a service's Express app. */
export interface ServiceAppOptions {
  /** Service name, used as the `service` label of every metric. */
  service: string;
  logger: Logger;
  /** When given, `currentUser` is installed: the signed-in user comes from the session cookie. */
  jwtKey?: string;
  /**
   * The service signs users in and out (auth): cookie-session is installed, so routes can set
   * `req.session`. The others only read the cookie (see `sessionCookieToken`).
   */
  writesSession?: boolean;
  /** The service's public API: its OpenAPI document is served at `<prefix>/openapi.json`. */
  api?: ServiceApi;
  /**
   * Refuses sessions revoked since their token was signed (see `SessionRevocations`): their
   * requests run signed out. Answers from memory: it runs on every request.
   */
  isSessionRevoked?: SessionRevocationCheck;
  /** Marks the session cookie `secure` (production, behind TLS-terminating ingress). */
  secureCookies?: boolean;
  /**
   * Checks run by `GET /readyz`, by name: what this process needs to serve its own requests,
   * normally only its database (`db`). Never a broker or another service.
   */
  readiness?: HealthChecks;
  /**
   * Dependencies it degrades without (e.g. `nats`, `redis`): reported by `GET /healthz/details`
   * and the `ticketing_dependency_up` gauge, never by `/readyz`.
   */
  dependencies?: HealthChecks;
  /** Per-check timeout of the health checks; defaults to 2 s. */
  readinessTimeoutMs?: number;
  /** Largest accepted request body; defaults to `'100kb'`. */
  bodyLimit?: string;
  /** Paths whose body stays a raw Buffer (Stripe webhooks verify the signature over the exact bytes). */
  rawBodyPaths?: string[];
  /**
   * The proxies whose X-Forwarded-* headers are believed, for one hop (`TRUST_PROXY`; default
   * `loopback`: the gateway of `npm start`; the cluster names ingress-nginx's network). See
   * {@link trustedProxy}.
   */
  trustProxy?: string;
  /** Mounts the service's routers. */
  routes: (app: Express) => void;
}

/**
 * Builds the Express app every service shares (request id, logging, metrics, helmet, health,
 * body parsing, session, current user, 404, error handler) around the service's own routes.
 * It performs no I/O and does not listen; `app.locals.metrics` holds the app's metrics.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const bodyLimit = options.bodyLimit ?? '100kb';
  const metrics = createMetrics(options.service);
  const app = express();

  // Behind the gateway or ingress-nginx: req.ip, req.protocol and secure cookies come from their X-Forwarded-*.
  app.set('trust proxy', trustedProxy(options.trustProxy ?? 'loopback'));
  app.disable('x-powered-by');
  app.locals.metrics = metrics;

  const observe = options.api && responseObserver(options.api);
  if (observe) app.use(observe);

  // Probes come before body parsing and sessions: they must answer even when those would fail.
  const readiness = options.readiness ?? {};
  const dependencies = options.dependencies ?? {};
  const fixed = Router();
  fixed.use(healthRouter(readiness, { timeoutMs: options.readinessTimeoutMs, dependencies }));
  registerDependencyGauge(metrics.registry, { ...readiness, ...dependencies }, options.readinessTimeoutMs);
  fixed.get('/metrics', metrics.handler());
  if (options.api) {
    // Public, and before the routes: `/api/orders/openapi.json` is not an order id.
    const document = JSON.stringify(openApiDocument(options.api));
    fixed.get(`${options.api.prefix}/openapi.json`, (_req, res) => {
      res.type('application/json').set('Cache-Control', 'public, max-age=300').send(document);
    });
  }
  // Only requests for these few paths walk their routes (matched as Express matches them: any
  // case, an optional trailing slash).
  const fixedPaths = new Set(
    [...HEALTH_PATHS, '/metrics', ...(options.api ? [`${options.api.prefix}/openapi.json`] : [])].map((p) =>
      p.toLowerCase(),
    ),
  );

  // What runs before the routes on every request is one Express layer: each layer costs the
  // router a few µs. httpLogger also gives the request its id (requestContext's work).
  const beforeRoutes: RequestHandler[] = [
    httpLogger(options.logger),
    metrics.middleware(),
    helmet(),
    (req, res, next) => {
      if (fixedPaths.has(normalisedPath(req.url))) fixed(req, res, next);
      else next();
    },
  ];
  if (options.rawBodyPaths && options.rawBodyPaths.length > 0) {
    const raw = express.raw({ type: () => true, limit: bodyLimit });
    const mounts = options.rawBodyPaths.map((p) => normalisedPath(p));
    // Mounted as `app.use(path, …)` would be: the path itself and anything below it.
    beforeRoutes.push((req, res, next) => {
      const path = normalisedPath(req.url);
      if (mounts.some((mount) => path === mount || path.startsWith(`${mount}/`))) raw(req, res, next);
      else next();
    });
  }
  beforeRoutes.push(express.json({ limit: bodyLimit }));

  if (options.jwtKey !== undefined) {
    if (options.writesSession) {
      // Unsigned on purpose, as in the original design: the JWT inside carries the integrity.
      beforeRoutes.push(
        cookieSession({
          name: 'session',
          signed: false,
          httpOnly: true,
          sameSite: 'lax',
          secure: options.secureCookies ?? false,
        }),
      );
    }
    beforeRoutes.push(
      currentUser(options.jwtKey, {
        isRevoked: options.isSessionRevoked,
        tokenFrom: options.writesSession ? 'session' : 'cookie',
      }),
    );
  }
  app.use(inOneLayer(...beforeRoutes));

  options.routes(app);

  app.use((_req, _res, next) => next(new NotFoundError('Route not found')));
  app.use(errorHandler);

  return app;
}

/**
 * Runs middlewares as one Express layer, in order, as Express would run them as layers of their
 * own: each goes on when the one before calls `next` (at once, or later, as a body parser does),
 * and an error (passed to `next` or thrown while it runs) skips the rest.
 */
export function inOneLayer(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      const handler = handlers[index++];
      if (error !== undefined && error !== null) next(error);
      else if (!handler) next();
      else {
        try {
          handler(req, res, step);
        } catch (thrown) {
          next(thrown);
        }
      }
    };
    step();
  };
}

/** The path of a URL without its query, lowercased and without a trailing slash (`/` stays). */
function normalisedPath(url: string): string {
  const query = url.indexOf('?');
  let path = query === -1 ? url : url.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.toLowerCase();
}
