import {
  expressPath,
  ForbiddenError,
  inputOf,
  NotFoundError,
  paymentsOperations,
  requireAuth,
  validate,
} from '@ticketing/common';
import { type Request, Router } from 'express';
import { orderHistoryOf } from '../db/order-history.repository';
import { findOrder } from '../db/orders.repository';
import { claimJsonOf, claimsFor, openClaim, resolveClaim } from '../domain/claims';
import type { PaymentsDeps } from '../domain/deps';

const { openClaim: open, listClaims: list, resolveClaim: resolve, showOrderHistory: history } = paymentsOperations;

/**
 * POST /api/payments/claims → the claim (201); GET /api/payments/claims → `{ claims }`;
 * POST /api/payments/claims/:id/resolve (operators) → the claim;
 * GET /api/payments/orders/:orderId/history (buyer, seller, operator) → `{ orderId, entries }`.
 */
export function claimsRouter(deps: PaymentsDeps, { operatorEmails }: { operatorEmails: readonly string[] }): Router {
  const operators = new Set(operatorEmails.map((email) => email.toLowerCase()));
  const isOperator = (req: Request) => operators.has(req.currentUser!.email.toLowerCase());
  return Router()
    .post(expressPath(open), requireAuth, validate(open), async (req, res) => {
      const { body } = inputOf(req, open);
      const claim = await openClaim(deps, { buyerId: req.currentUser!.id, ...body });
      res.status(201).json(claimJsonOf(claim));
    })
    .get(expressPath(list), requireAuth, validate(list), async (req, res) => {
      const { query } = inputOf(req, list);
      const operator = isOperator(req);
      if (query.all && !operator) throw new ForbiddenError('Only an operator can list every claim', 'OPERATOR_ONLY');
      const rows = await claimsFor(deps, { userId: req.currentUser!.id, operator, status: query.status });
      res.status(200).json({ claims: rows.map(claimJsonOf) });
    })
    .post(expressPath(resolve), requireAuth, validate(resolve), async (req, res) => {
      if (!isOperator(req)) throw new ForbiddenError('Only an operator can decide a claim', 'OPERATOR_ONLY');
      const { params, body } = inputOf(req, resolve);
      const claim = await resolveClaim(deps, {
        claimId: params.id,
        decision: body.decision,
        operatorId: req.currentUser!.id,
      });
      res.status(200).json(claimJsonOf(claim));
    })
    .get(expressPath(history), requireAuth, validate(history), async (req, res) => {
      const { params } = inputOf(req, history);
      const order = await findOrder(deps.db, params.orderId);
      if (!order) throw new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
      const userId = req.currentUser!.id;
      if (order.userId !== userId && order.sellerId !== userId && !isOperator(req)) {
        throw new ForbiddenError(
          'Only the buyer, the seller or an operator can see this history',
          'ORDER_HISTORY_FORBIDDEN',
        );
      }
      const entries = await orderHistoryOf(deps.db, order.id);
      res.status(200).json({
        orderId: order.id,
        entries: entries.map(({ kind, detail, at }) => ({ kind, detail, at: at.toISOString() })),
      });
    });
}
