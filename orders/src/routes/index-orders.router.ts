import { expressPath, ordersOperations, requireAuth } from '@ticketing/common';
import { Router } from 'express';
import type { OrdersDeps } from '../domain/deps';
import { listOrders } from '../domain/orders';
import { toOrderJson } from './order.json';

export function indexOrdersRouter(orders: OrdersDeps): Router {
  return Router().get(expressPath(ordersOperations.listOrders), requireAuth, async (req, res) => {
    const rows = await listOrders(orders, req.currentUser!.id);
    const now = new Date();
    res.status(200).json({ orders: rows.map((order) => toOrderJson(order, orders.currency, now)) });
  });
}
