import {
  createRateLimiter,
  describeWait,
  expressPath,
  inputOf,
  ordersOperations,
  type RateLimitContext,
  requestId,
  requireAuth,
  TooManyRequestsError,
  validate,
} from '@ticketing/common';
import { type ErrorRequestHandler, Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { ReservationCooldownError, type ReservationRules, reserveTicket } from '../domain/orders';
import { toOrderJson } from './order.json';

export interface NewOrderRouterOptions extends ReservationRules {
  /** Reservation requests one buyer may send per minute (RATE_LIMIT_ORDERS). */
  requestsPerMinute: number;
  rateLimits: RateLimitContext;
}

const { createOrder } = ordersOperations;

export function newOrderRouter(
  orders: OrdersDeps,
  { requestsPerMinute, rateLimits, ...rules }: NewOrderRouterOptions,
): Router {
  // Counted per buyer, after requireAuth: a signed-out request is a 401 and costs nothing.
  const perBuyer = createRateLimiter(rateLimits, {
    name: 'orders-user',
    windowMs: 60_000,
    limit: requestsPerMinute,
    key: (req) => req.currentUser?.id.toLowerCase(),
    refuse: (seconds) =>
      new TooManyRequestsError(
        `Too many reservation requests: at most ${requestsPerMinute} a minute; try again ${describeWait(seconds)}`,
        'RATE_LIMITED',
      ),
  });

  return Router()
    .post(expressPath(createOrder), requireAuth, perBuyer, validate(createOrder), async (req, res) => {
      const order = await reserveTicket(orders, {
        ...rules,
        userId: req.currentUser!.id,
        ticketId: inputOf(req, createOrder).body.ticketId,
        correlationId: requestId(req),
      });
      res.status(201).json(toOrderJson(order, orders.currency));
    })
    .use(retryAfterCooldown);
}

/** Tells a buyer in a cool-down when to come back, as the rate limits do; the error handler answers. */
const retryAfterCooldown: ErrorRequestHandler = (err, _req, res, next) => {
  if (err instanceof ReservationCooldownError) res.set('Retry-After', String(err.retryAfterSeconds));
  next(err);
};
