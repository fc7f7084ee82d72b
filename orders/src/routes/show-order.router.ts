import { requireAuth, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { showOrder } from '../domain/orders';
import { toOrderJson } from './order.json';
import { orderIdParam } from './validators';

export function showOrderRouter(orders: OrdersDeps): Router {
  return Router().get('/api/orders/:id', requireAuth, orderIdParam, validateRequest, async (req, res) => {
    const order = await showOrder(orders, String(req.params.id), req.currentUser!.id);
    res.status(200).json(toOrderJson(order, orders.currency));
  });
}
