import { requestId, requireAuth, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { cancelOrder } from '../domain/orders';
import { orderIdParam } from './validators';

export function deleteOrderRouter(orders: OrdersDeps): Router {
  return Router().delete('/api/orders/:id', requireAuth, orderIdParam, validateRequest, async (req, res) => {
    await cancelOrder(orders, {
      orderId: String(req.params.id),
      userId: req.currentUser!.id,
      correlationId: requestId(req),
    });
    res.status(204).end();
  });
}
