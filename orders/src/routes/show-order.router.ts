import { expressPath, inputOf, ordersOperations, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { showOrder } from '../domain/orders';
import { toOrderJson } from './order.json';

export function showOrderRouter(orders: OrdersDeps): Router {
  const operation = ordersOperations.showOrder;
  return Router().get(expressPath(operation), requireAuth, validate(operation), async (req, res) => {
    const order = await showOrder(orders, inputOf(req, operation).params.id, req.currentUser!.id);
    res.status(200).json(toOrderJson(order, orders.currency));
  });
}
