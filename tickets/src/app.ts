import {
  createServiceApp,
  type Database,
  type Logger,
  type OutboxRelay,
  registerOutboxMetrics,
  type SessionRevocations,
  ticketsApi,
} from '@ticketing/common';
import type { Express } from 'express';
import type { Config } from './config';
import type { schema } from './db/schema';
import { changeListingRouter } from './routes/change-listing.router';
import { createEventRouter } from './routes/create-event.router';
import { createTicketRouter } from './routes/create-ticket.router';
import { listEventsRouter } from './routes/list-events.router';
import { listTicketsRouter } from './routes/list-tickets.router';
import { showEventRouter } from './routes/show-event.router';
import { showTicketRouter } from './routes/show-ticket.router';
import { updateEventRouter } from './routes/update-event.router';
import { updateTicketRouter } from './routes/update-ticket.router';

export interface AppDeps {
  config: Pick<Config, 'JWT_KEY' | 'NODE_ENV' | 'PAYMENT_CURRENCY' | 'RESALE_PRICE_CAP_PERCENT'> &
    Partial<Pick<Config, 'TRUST_PROXY'>>;
  db: Database<typeof schema>;
  /** Runs the transactions that publish (state change + outbox row) and wakes the relay after commit. */
  relay: OutboxRelay<typeof schema>;
  /** The revoked sessions, in memory: their cookies are refused. */
  revocations: SessionRevocations;
  logger: Logger;
  /** Checks behind /readyz: the database only. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Dependencies reported by /healthz/details (NATS), never by /readyz. */
  dependencies?: Record<string, () => Promise<unknown>>;
}

export function createApp({ config, db, relay, revocations, logger, readiness, dependencies }: AppDeps): Express {
  const store = {
    db,
    relay,
    currency: config.PAYMENT_CURRENCY,
    resalePriceCapPercent: config.RESALE_PRICE_CAP_PERCENT,
  };
  const app = createServiceApp({
    service: 'tickets',
    api: ticketsApi,
    logger,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
    jwtKey: config.JWT_KEY,
    isSessionRevoked: revocations.isRevoked,
    secureCookies: config.NODE_ENV === 'production',
    readiness,
    dependencies,
    routes: (app) => {
      app.use(createTicketRouter(store));
      app.use(listTicketsRouter(store));
      app.use(showTicketRouter(store));
      app.use(updateTicketRouter(store));
      app.use(changeListingRouter(store));
      app.use(createEventRouter(store));
      app.use(listEventsRouter(store));
      app.use(showEventRouter(store));
      app.use(updateEventRouter(store));
    },
  });
  registerOutboxMetrics(app.locals.metrics.registry, db);
  revocations.registerMetrics(app.locals.metrics.registry);
  return app;
}
