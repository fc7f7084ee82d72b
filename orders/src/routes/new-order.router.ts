import { requestId, requireAuth, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { reserveTicket } from '../domain/orders';
import { toOrderJson } from './order.json';
import { ticketIdField } from './validators';

export function newOrderRouter(orders: OrdersDeps, { windowSeconds }: { windowSeconds: number }): Router {
  return Router().post('/api/orders', requireAuth, ticketIdField, validateRequest, async (req, res) => {
    const order = await reserveTicket(orders, {
      userId: req.currentUser!.id,
      ticketId: req.body.ticketId,
      windowSeconds,
      correlationId: requestId(req),
    });
    res.status(201).json(toOrderJson(order, orders.currency));
  });
}
