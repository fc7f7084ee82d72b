import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BadRequestError,
  NotAuthorizedError,
  NotFoundError,
  OrderStatus,
  PaymentRequiredError,
  ServiceUnavailableError,
} from '@ticketing/common';
import { findOrder, lockOrder } from '../db/orders.repository';
import {
  countFailedAttempts,
  findActivePayment,
  insertPendingPayment,
  transitionPayment,
} from '../db/payments.repository';
import { type PaymentRow, PaymentStatus } from '../db/schema';
import {
  type ChargeResult,
  GatewayDeclinedError,
  GatewayRejectedError,
  isClientSideGatewayError,
} from '../gateway/payment-gateway';
import { completePayment } from './complete-payment';
import type { PaymentsDeps } from './deps';
import { gatewayHttpError } from './gateway-http-errors';

/**
 * The Stripe idempotency key of a charge: `order-<orderId>-attempt-<n>`, where n counts the
 * order's attempts the gateway definitively refused (declines, invalid tokens). A request retried
 * after a time-out or a gateway error reuses the key — if the first charge went through, Stripe
 * answers with it instead of charging again — while a new card after a decline gets a new key.
 */
export const chargeIdempotencyKey = (orderId: string, attempt: number): string => `order-${orderId}-attempt-${attempt}`;

export interface PayOrderInput {
  orderId: string;
  token: string;
  userId: string;
  correlationId?: string;
  now?: Date;
}

export interface PayOrderResult {
  payment: PaymentRow;
  /** `processing`: the gateway has not settled yet; the webhook completes it. */
  status: 'succeeded' | 'processing';
}

/**
 * A `pending` payment older than this has no request behind it any more (the process crashed
 * mid-charge, before the gateway answered): a gateway call is bounded far below it (GATEWAY_TIMEOUT_MS × the SDK's retries).
 * The next attempt marks it `errored` and takes over with the same idempotency key, so if that
 * charge did go through, the gateway answers with it instead of charging again.
 */
export const STALE_PENDING_MS = 5 * 60_000;

const ALREADY_PAID = () => new BadRequestError('Order is already paid', { code: 'ORDER_PAID' });
const REFUNDED = () =>
  new BadRequestError('Order was cancelled while it was being paid; the payment is being refunded', {
    code: 'ORDER_CANCELLED',
  });
const IN_PROGRESS = () =>
  new BadRequestError('A payment for this order is already in progress', { code: 'PAYMENT_IN_PROGRESS' });

/**
 * POST /api/payments: checks the order, claims it with a `pending` payment (the partial unique
 * index lets one claim win), charges outside any transaction, then records the outcome.
 */
export async function payOrder(deps: PaymentsDeps, input: PayOrderInput): Promise<PayOrderResult> {
  await awaitOrderReplica(deps, input.orderId);
  const payment = await claimOrder(deps, input);
  let result: ChargeResult;
  try {
    result = await deps.gateway.charge({
      amount: payment.amount,
      currency: payment.currency,
      token: input.token,
      idempotencyKey: chargeIdempotencyKey(payment.orderId, payment.attempt),
      // Links the charge to the transfer that pays the seller later (separate charges and transfers).
      transferGroup: transferGroupOf(payment.orderId),
      metadata: { orderId: payment.orderId, userId: input.userId, paymentId: payment.id },
    });
  } catch (error) {
    await recordChargeError(deps, payment, error);
    throw gatewayHttpError(error, 'charge');
  }
  return settleCharge(deps, payment, result, input);
}

const ORDER_POLL_MS = 100;

/**
 * A buyer who pays right after reserving can be faster than order.created on its way here: an
 * order this replica does not know yet is waited for, up to `orderWaitMs`, before the claim
 * answers 404. An order that exists is never denied for being late.
 */
async function awaitOrderReplica(deps: PaymentsDeps, orderId: string): Promise<void> {
  const deadline = Date.now() + deps.orderWaitMs;
  while (!(await findOrder(deps.db, orderId)) && Date.now() < deadline) {
    await sleep(Math.min(ORDER_POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/** Inserts the `pending` payment that claims the order, after the checks a buyer can fail. */
async function claimOrder(deps: PaymentsDeps, { orderId, userId, now = new Date() }: PayOrderInput) {
  try {
    return await deps.db.transaction(async (tx) => {
      const order = await lockOrder(tx, orderId);
      if (!order) throw new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
      if (order.userId !== userId) throw new NotAuthorizedError('You may only pay your own orders', 'ORDER_NOT_OWNED');
      if (order.status === OrderStatus.Cancelled) {
        throw new BadRequestError('Order is cancelled', { code: 'ORDER_CANCELLED' });
      }
      if (order.status === OrderStatus.Complete) throw ALREADY_PAID();
      // Expiry is enforced by data: expiration.complete may not have arrived yet.
      if (order.expiresAt.getTime() <= now.getTime()) {
        throw new BadRequestError('Order has expired', { code: 'ORDER_EXPIRED' });
      }
      const active = await findActivePayment(tx, orderId);
      if (active?.status === PaymentStatus.Succeeded) throw ALREADY_PAID();
      // A pending payment with a PaymentIntent id is processing at the gateway: the webhook settles it.
      const abandoned =
        active && active.stripeId === null && active.updatedAt.getTime() < now.getTime() - STALE_PENDING_MS;
      if (active && !abandoned) throw IN_PROGRESS();
      if (active) {
        await transitionPayment(tx, active.id, [PaymentStatus.Pending], {
          status: PaymentStatus.Errored,
          failureMessage: 'abandoned: no gateway answer was recorded',
        });
      }
      const claimed = await insertPendingPayment(tx, {
        id: randomUUID(),
        orderId,
        // The all-in total the buyer was shown: the ticket's price plus the buyer fee.
        amount: order.totalCents,
        currency: deps.currency,
        attempt: await countFailedAttempts(tx, orderId),
      });
      if (!claimed) throw new LostClaimError();
      return claimed;
    });
  } catch (error) {
    if (!(error instanceof LostClaimError)) throw error;
    // Another request claimed the order between our read and our insert.
    const active = await findActivePayment(deps.db, orderId);
    throw active?.status === PaymentStatus.Succeeded ? ALREADY_PAID() : IN_PROGRESS();
  }
}

class LostClaimError extends Error {}

/**
 * Declines and invalid tokens end the attempt (`failed`: the next one gets a new key); anything
 * else leaves the outcome unknown (`errored`: the next attempt reuses the key).
 */
async function recordChargeError(deps: PaymentsDeps, payment: PaymentRow, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const about = { paymentId: payment.id, orderId: payment.orderId };
  if (error instanceof GatewayDeclinedError || error instanceof GatewayRejectedError) {
    const stripeId = error instanceof GatewayDeclinedError ? error.paymentIntentId : undefined;
    await transitionPayment(deps.db, payment.id, [PaymentStatus.Pending], {
      status: PaymentStatus.Failed,
      failureMessage: message,
      ...(stripeId ? { stripeId } : {}),
    });
    if (error instanceof GatewayDeclinedError) {
      deps.metrics.declined.inc();
      deps.logger.info({ ...about, code: error.code, declineCode: error.declineCode }, 'card declined');
    }
    return;
  }
  // A time-out, a gateway error, an open circuit or an idempotency conflict: the key's first
  // request may have charged, so the next attempt keeps the key.
  if (!isClientSideGatewayError(error)) deps.logger.warn({ ...about, err: error }, 'charge outcome unknown');
  await transitionPayment(deps.db, payment.id, [PaymentStatus.Pending], {
    status: PaymentStatus.Errored,
    failureMessage: message,
  });
}

async function settleCharge(
  deps: PaymentsDeps,
  payment: PaymentRow,
  result: ChargeResult,
  { correlationId }: PayOrderInput,
): Promise<PayOrderResult> {
  if (result.status === 'processing') {
    // Cards rarely do this; the payment_intent.succeeded webhook completes it.
    const updated = await transitionPayment(deps.db, payment.id, [PaymentStatus.Pending], { stripeId: result.id });
    return { payment: updated ?? payment, status: 'processing' };
  }
  if (result.status !== 'succeeded') {
    const authentication = result.status === 'requires_action';
    const message = authentication
      ? 'This card requires authentication (3D Secure), which this checkout does not support; use another card'
      : (result.message ?? 'The payment was not completed');
    await transitionPayment(deps.db, payment.id, [PaymentStatus.Pending], {
      status: PaymentStatus.Failed,
      stripeId: result.id,
      failureMessage: result.message ?? `payment intent ${result.status}`,
    });
    deps.metrics.declined.inc();
    throw new PaymentRequiredError(message, authentication ? 'CARD_AUTHENTICATION_REQUIRED' : 'CARD_DECLINED');
  }

  const completion = await completePayment(deps, {
    payment,
    stripeId: result.id,
    from: [PaymentStatus.Pending],
    correlationId,
  });
  switch (completion.outcome) {
    case 'completed':
      return { payment: completion.payment, status: 'succeeded' };
    case 'order-cancelled':
      // completePayment recorded the refund intent with the charge; the refund worker gives the money back.
      throw REFUNDED();
    case 'already-settled':
      // The webhook completed it first: the same success, reported once.
      if (completion.payment?.status === PaymentStatus.Succeeded) {
        return { payment: completion.payment, status: 'succeeded' };
      }
      if (completion.payment?.status === PaymentStatus.Refunded) throw REFUNDED();
      throw new ServiceUnavailableError('The payment could not be confirmed; please try again', 'PAYMENT_UNCONFIRMED');
    default:
      // 'second-charge' cannot happen from `pending` (the index allows one active payment); be safe.
      throw new ServiceUnavailableError('The payment could not be confirmed; please try again', 'PAYMENT_UNCONFIRMED');
  }
}

/** The transfer group of an order's charge and of its payout's transfer. */
export const transferGroupOf = (orderId: string): string => `order-${orderId}`;
