import { expressPath, inputOf, paymentsOperations, requireAuth, validate } from '@ticketing/common';
import { type Request, Router } from 'express';
import type { PaymentsDeps } from '../domain/deps';
import { showPayoutAccount, startPayoutOnboarding } from '../domain/payout-accounts';
import { payoutsOfSeller } from '../domain/seller-payouts';

const { showPayoutAccount: showAccount, startPayoutOnboarding: startOnboarding, listPayouts } = paymentsOperations;

/** The origin the seller's browser used (behind the gateway or the Ingress: the forwarded one). */
const originOf = (req: Request): string => `${req.protocol}://${req.get('host')}`;

/**
 * GET /api/payments/payout-account → `{ status, awaiting }`;
 * POST /api/payments/payout-account → `{ status, onboardingUrl }`;
 * GET /api/payments/payouts → `{ payouts }` (the signed-in seller's).
 */
export function payoutsRouter(deps: PaymentsDeps): Router {
  return Router()
    .get(expressPath(showAccount), requireAuth, validate(showAccount), async (req, res) => {
      res.status(200).json(await showPayoutAccount(deps, req.currentUser!.id));
    })
    .post(expressPath(startOnboarding), requireAuth, validate(startOnboarding), async (req, res) => {
      const { id, email } = req.currentUser!;
      res.status(200).json(await startPayoutOnboarding(deps, { userId: id, email, origin: originOf(req) }));
    })
    .get(expressPath(listPayouts), requireAuth, validate(listPayouts), async (req, res) => {
      const { query } = inputOf(req, listPayouts);
      res.status(200).json(await payoutsOfSeller(deps, req.currentUser!.id, query));
    });
}
