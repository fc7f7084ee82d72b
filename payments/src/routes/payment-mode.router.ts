import { expressPath, type PaymentModeJson, paymentsOperations } from '@ticketing/common';
import { Router } from 'express';

/** GET /api/payments/mode → 200 `{ gateway, currency }`: public, so the web app can say when no money moves. */
export function paymentModeRouter(mode: PaymentModeJson): Router {
  return Router().get(expressPath(paymentsOperations.showPaymentMode), (_req, res) => {
    res.status(200).json(mode);
  });
}
