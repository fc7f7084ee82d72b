import { requestId, requireAuth, validateRequest } from '@ticketing/common';
import { Router } from 'express';
import type { PaymentsDeps } from '../domain/deps';
import { payOrder } from '../domain/pay-order';
import { orderIdField, tokenField } from './validators';

/** POST /api/payments `{ orderId, token }` → 201 `{ id }` (202 `{ id, status: 'pending' }` while the card settles). */
export function newPaymentRouter(deps: PaymentsDeps): Router {
  return Router().post('/api/payments', requireAuth, orderIdField, tokenField, validateRequest, async (req, res) => {
    const { payment, status } = await payOrder(deps, {
      orderId: req.body.orderId,
      token: req.body.token,
      userId: req.currentUser!.id,
      correlationId: requestId(req),
    });
    if (status === 'processing') {
      res.status(202).json({ id: payment.id, status: 'pending' });
      return;
    }
    res.status(201).json({ id: payment.id });
  });
}
