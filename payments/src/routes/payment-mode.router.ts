import { Router } from 'express';

export interface PaymentMode {
  /** `sandbox`: charges are simulated and no money moves; `stripe`: real (or Stripe test-mode) charges. */
  gateway: 'sandbox' | 'stripe';
  /** ISO code of every charge, lower case. */
  currency: string;
}

/** GET /api/payments/mode → 200 `{ gateway, currency }`: public, so the web app can say when no money moves. */
export function paymentModeRouter(mode: PaymentMode): Router {
  const body = JSON.stringify(mode);
  return Router().get('/api/payments/mode', (_req, res) => {
    res.type('application/json').send(body);
  });
}
