import { expressPath, inputOf, ordersOperations, requestId, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { cancelOrder } from '../domain/orders';

export function deleteOrderRouter(orders: OrdersDeps): Router {
  const operation = ordersOperations.cancelOrder;
  return Router().delete(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
    await cancelOrder(orders, {
      orderId: inputOf(req, operation).params.id,
      userId: req.currentUser!.id,
      correlationId: requestId(req),
    });
    res.status(204).end();
  });
}
