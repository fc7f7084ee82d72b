import { expressPath, inputOf, paymentsOperations, requestId, requireAuth, validate } from '@ticketing/common';
import { Router } from 'express';
import type { PaymentsDeps } from '../domain/deps';
import { payOrder } from '../domain/pay-order';

const { createPayment } = paymentsOperations;

/** POST /api/payments `{ orderId, token }` → 201 `{ id }` (202 `{ id, status: 'pending' }` while the card settles). */
export function newPaymentRouter(deps: PaymentsDeps): Router {
  return Router().post(expressPath(createPayment), requireAuth, validate(createPayment), async (req, res) => {
    const { orderId, token } = inputOf(req, createPayment).body;
    const { payment, status } = await payOrder(deps, {
      orderId,
      token,
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
