/** Every subject of the event catalog. Services import these; they never spell a subject themselves. */
export const Subjects = {
  TicketCreated: 'ticket.created',
  TicketUpdated: 'ticket.updated',
  OrderCreated: 'order.created',
  OrderCancelled: 'order.cancelled',
  OrderCompleted: 'order.completed',
  ExpirationComplete: 'expiration.complete',
  PaymentCreated: 'payment.created',
  PaymentRefunded: 'payment.refunded',
  SessionRevoked: 'session.revoked',
  SessionsRevokedAll: 'session.revoked-all',
  EventCreated: 'event.created',
  EventUpdated: 'event.updated',
  PassIssued: 'pass.issued',
  PassRevoked: 'pass.revoked',
  PassAdmitted: 'pass.admitted',
  PassListed: 'pass.listed',
  PassUnlisted: 'pass.unlisted',
  PassLockRefused: 'pass.lock_refused',
  PayoutPaid: 'payout.paid',
  PayoutCancelled: 'payout.cancelled',
  PayoutReversed: 'payout.reversed',
  ClaimOpened: 'claim.opened',
  ClaimResolved: 'claim.resolved',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

/** The JetStream stream that holds every event, and the subjects it captures. */
export const STREAM_NAME = 'TICKETING';
export const STREAM_SUBJECTS = [
  'ticket.>',
  'order.>',
  'payment.>',
  'expiration.>',
  'session.>',
  'event.>',
  'pass.>',
  'payout.>',
  'claim.>',
] as const;

/** Lifecycle of an order. `created`, `awaiting:payment` and `complete` are the active states. */
export const OrderStatus = {
  Created: 'created',
  Cancelled: 'cancelled',
  AwaitingPayment: 'awaiting:payment',
  Complete: 'complete',
} as const;

export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const ORDER_STATUSES = Object.values(OrderStatus) as [OrderStatus, ...OrderStatus[]];

/** Statuses that hold a ticket: at most one order per ticket may be in one of these. */
export const ACTIVE_ORDER_STATUSES: readonly OrderStatus[] = [
  OrderStatus.Created,
  OrderStatus.AwaitingPayment,
  OrderStatus.Complete,
];

/**
 * Lifecycle of a ticket, as the tickets service derives it: `available` can be reserved and
 * edited; `reserved` is held by an order; `sold` is final; `withdrawn` is unlisted by its seller
 * (not on sale until relisted). A resale listing (of a pass, `resaleOfPassId`) starts `pending`
 * (not on sale) until passes locks the pass (`pass.listed`: it becomes `available`), or ends
 * `rejected` when passes refuses the lock (`pass.lock_refused`).
 */
export const TICKET_STATUSES = ['available', 'reserved', 'sold', 'withdrawn', 'pending', 'rejected'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * Lifecycle of a pass (an e-ticket): `valid` can be admitted once; `listed` is locked while its
 * holder resells it (not admissible; back to `valid` if the listing is withdrawn); `admitted` was
 * scanned at the door; `revoked` was replaced by a newer generation (the ticket was resold) or its
 * buyer was refunded, and is never admitted.
 */
export const PASS_STATUSES = ['valid', 'listed', 'admitted', 'revoked'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

/**
 * Why a pass was revoked: `reissued`, a newer generation went to the ticket's new buyer;
 * `refunded`, the buyer of its order was refunded (payment.refunded), so the sale is undone.
 */
export const PASS_REVOCATION_REASONS = ['reissued', 'refunded'] as const;
export type PassRevocationReason = (typeof PASS_REVOCATION_REASONS)[number];

/**
 * Why passes refused to lock a pass for a resale listing: it was already `admitted`, `revoked` or
 * `listed` (for another listing), or the listing's seller is `not_holder` of it.
 */
export const PASS_LOCK_REFUSAL_REASONS = ['admitted', 'revoked', 'listed', 'not_holder'] as const;
export type PassLockRefusalReason = (typeof PASS_LOCK_REFUSAL_REASONS)[number];

/**
 * How a buyer's claim ("my ticket did not work") ended: `declined` (the pass was admitted at the
 * door, so the ticket worked), `refunded` (an operator gave the buyer their money back; the
 * seller's payout is cancelled or reversed) or `released` (an operator paid the seller after all).
 */
export const CLAIM_OUTCOMES = ['declined', 'refunded', 'released'] as const;
export type ClaimOutcome = (typeof CLAIM_OUTCOMES)[number];
