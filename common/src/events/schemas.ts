import { z } from 'zod';
import {
  CLAIM_OUTCOMES,
  ORDER_STATUSES,
  PASS_LOCK_REFUSAL_REASONS,
  PASS_REVOCATION_REASONS,
  type Subject,
  Subjects,
  TICKET_STATUSES,
} from './subjects';

const id = z.uuid();
const version = z.number().int().nonnegative();
/** Text a database can store: PostgreSQL refuses NUL, so such an event could never be applied. */
const text = z
  .string()
  .min(1)
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
/** Money travels between services as an integer number of minor units (cents; yen for JPY)… */
const cents = z.number().int().positive();
/**
 * …with its currency beside it: the ISO code, lower case. Optional so that events published
 * before amounts carried a currency still parse; a listener reads a missing one as its own
 * PAYMENT_CURRENCY (`currencyOfEvent`). Any code parses: a listener configured with another
 * currency refuses the event rather than the contract dropping it.
 */
const currency = z
  .string()
  .regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 currency code')
  .optional();

const instant = z.iso.datetime({ offset: true });

/** Where a seat is; each part as printed on the ticket. */
export const seat = z.object({ section: text, row: text, seat: text });

export const ticketCreatedData = z.object({
  id,
  version,
  title: text,
  price: cents,
  currency,
  userId: id,
  /** The catalog event the listing belongs to; absent or null for a listing of its own. */
  eventId: id.nullable().optional(),
  /** The price printed on the ticket (what its first buyer paid at the box office), if given. */
  faceValue: cents.nullable().optional(),
  seat: seat.nullable().optional(),
  /**
   * The pass this listing resells (secure swap); absent or null for an ordinary listing. Such a
   * listing starts `pending` until passes locks the pass.
   */
  resaleOfPassId: id.nullable().optional(),
  /**
   * The ticket's state at this version: only `available` can be reserved (`withdrawn`: its seller
   * unlisted it; `pending`: a resale listing whose pass is not locked yet; `rejected`: passes
   * refused the lock). Absent from events published before it was carried: such a ticket was
   * available (ticket.created) or never withdrawn (ticket.updated).
   */
  status: z.enum(TICKET_STATUSES).optional(),
});

export const ticketUpdatedData = ticketCreatedData.extend({
  orderId: id.nullable().optional(),
});

export const orderCreatedData = z.object({
  id,
  version,
  status: z.enum(ORDER_STATUSES),
  userId: id,
  expiresAt: z.iso.datetime({ offset: true }),
  /**
   * The order's place among its ticket's orders: 1 for the first, then one more for each new
   * order. Only a higher number may replace a reservation a replica holds, so a late or
   * redelivered order.created never displaces a newer one. Absent from events published before
   * reservations were numbered: such an order is older than every numbered one.
   */
  reservationNumber: z.number().int().positive().optional(),
  /**
   * The buyer fee stored on the order at reservation (`BUYER_FEE_PERCENT` of the price), in minor
   * units. Absent from events published before fees: 0.
   */
  buyerFee: z.number().int().nonnegative().optional(),
  /** What the buyer is charged: the ticket's price plus the buyer fee. Absent before fees: the price. */
  total: cents.optional(),
  ticket: z.object({
    id,
    /** The ticket's price at reservation: what its seller's payout is computed from. */
    price: cents,
    currency,
    /** The ticket's seller, who is paid out once the order completes (absent from older events). */
    sellerId: id.optional(),
    /** The catalog event the ticket is for (null: none); its start sets when the seller is paid. */
    eventId: id.nullable().optional(),
  }),
});

export const orderCancelledData = z.object({
  id,
  version,
  ticket: z.object({ id }),
});

export const orderCompletedData = orderCancelledData;

export const expirationCompleteData = z.object({ orderId: id });

export const paymentCreatedData = z.object({
  id,
  orderId: id,
  stripeId: text,
});

/**
 * payments took a completed sale back: the payment `id` that paid for order `orderId` is refunded
 * in full (an operator refunded a claim — the refund itself may still be under way at the gateway —
 * or the charge was refunded by the refund worker or at the gateway). Published once per sale; the
 * order's pass must never admit anyone.
 */
export const paymentRefundedData = z.object({
  id,
  orderId: id,
  ticketId: id,
  refundedAt: instant,
});

/**
 * auth ended one session (sign-out): its token is refused from now on. `expiresAt` is when the
 * token would have expired anyway, after which the revocation need not be remembered.
 */
export const sessionRevokedData = z.object({
  sessionId: id,
  userId: id,
  expiresAt: instant,
});

/**
 * auth ended every session of a user ("sign out everywhere"): every token of theirs issued
 * before `before` is refused. `expiresAt` is when the last of those tokens expires anyway.
 */
export const sessionsRevokedAllData = z.object({
  userId: id,
  before: instant,
  expiresAt: instant,
});

/** A catalog event (a concert, a match): tickets owns it; its creator is its organizer. */
export const eventCreatedData = z.object({
  id,
  version,
  organizerId: id,
  name: text,
  venue: text,
  city: text,
  startsAt: instant,
  category: text.nullable().optional(),
});

export const eventUpdatedData = eventCreatedData;

/** Which pass of a ticket this is: 1 for its first buyer, one more each time it is reissued on resale. */
const generation = z.number().int().positive();

/**
 * passes issued a signed pass (version 0) to the buyer of a completed order. `faceValue` is what
 * the holder paid for the ticket (the order's price), in minor units: the base of a resale cap.
 */
export const passIssuedData = z.object({
  id,
  version,
  ticketId: id,
  orderId: id,
  /** The catalog event the ticket is for; null for a ticket of no event. */
  eventId: id.nullable(),
  holderId: id,
  generation,
  faceValue: cents,
  currency,
  issuedAt: instant,
});

/** passes revoked a pass (its next version): it is never admitted again. */
export const passRevokedData = z.object({
  id,
  version,
  ticketId: id,
  eventId: id.nullable(),
  holderId: id,
  generation,
  reason: z.enum(PASS_REVOCATION_REASONS),
  /** The pass that replaces it (the next generation), when there is one. */
  replacedBy: id.nullable(),
  revokedAt: instant,
});

/** passes admitted a pass at the door (its next version): the organizer `admittedBy` scanned it. */
export const passAdmittedData = z.object({
  id,
  version,
  ticketId: id,
  /** The order the pass was issued for (absent from events published before it was carried). */
  orderId: id.optional(),
  eventId: id,
  holderId: id,
  generation,
  admittedBy: id,
  admittedAt: instant,
});

/**
 * passes locked a pass (its next version, status `listed`) for the resale listing `listingId` at
 * that listing's version `listingVersion`: the listing may go on sale; the pass is not admissible.
 */
export const passListedData = z.object({
  id,
  version,
  ticketId: id,
  eventId: id.nullable(),
  holderId: id,
  generation,
  listingId: id,
  listingVersion: version,
  listedAt: instant,
});

/** passes unlocked a listed pass (its next version, status `valid` again): its resale listing was withdrawn or rejected. */
export const passUnlistedData = z.object({
  id,
  version,
  ticketId: id,
  eventId: id.nullable(),
  holderId: id,
  generation,
  listingId: id,
  unlistedAt: instant,
});

/**
 * passes refused to lock pass `passId` for the resale listing `listingId` at its version
 * `listingVersion` (the pass is unchanged, so this carries no pass version): the listing ends
 * `rejected` with `reason`.
 */
export const passLockRefusedData = z.object({
  passId: id,
  listingId: id,
  listingVersion: version,
  reason: z.enum(PASS_LOCK_REFUSAL_REASONS),
  refusedAt: instant,
});

/** payments paid a seller for a sale (its payout, version `version`): `transferId` is the gateway's transfer. */
export const payoutPaidData = z.object({
  id,
  version,
  orderId: id,
  sellerId: id,
  /** What the seller received: the ticket's price less the seller fee, in minor units. */
  amount: cents,
  currency,
  transferId: text,
  paidAt: instant,
});

/** payments cancelled a payout before paying it: the buyer was refunded (a claim or a refund). */
export const payoutCancelledData = z.object({
  id,
  version,
  orderId: id,
  sellerId: id,
  amount: cents,
  currency,
  cancelledAt: instant,
});

/** payments took a paid payout back from the seller (a transfer reversal): the buyer was refunded. */
export const payoutReversedData = z.object({
  id,
  version,
  orderId: id,
  sellerId: id,
  amount: cents,
  currency,
  reversalId: text,
  reversedAt: instant,
});

/** A buyer opened a claim on a completed order ("my ticket did not work"): the seller's payout is held. */
export const claimOpenedData = z.object({
  id,
  version,
  orderId: id,
  buyerId: id,
  openedAt: instant,
});

/** A claim ended (`outcome`); `resolvedBy` is the operator, null when it was declined automatically. */
export const claimResolvedData = z.object({
  id,
  version,
  orderId: id,
  buyerId: id,
  outcome: z.enum(CLAIM_OUTCOMES),
  reason: text.nullable(),
  resolvedBy: id.nullable(),
  resolvedAt: instant,
});

/** What each event means, for the event catalog's readers (the AsyncAPI document). */
export const eventDescriptions: Record<Subject, string> = {
  [Subjects.TicketCreated]: 'A seller listed a ticket (version 0). Money in minor units.',
  [Subjects.TicketUpdated]:
    "A ticket's next version: an edit by its seller, its seller unlisting (`status: withdrawn`) or relisting it, or `orderId` set when an order reserves it and cleared when that order is cancelled.",
  [Subjects.OrderCreated]:
    'A buyer reserved a ticket until `expiresAt`; `reservationNumber` orders the reservations of one ticket.',
  [Subjects.OrderCancelled]:
    'An order ended without payment (expired or cancelled by its buyer): its ticket is free again.',
  [Subjects.OrderCompleted]: 'An order was paid: its ticket is sold.',
  [Subjects.ExpirationComplete]: "An order's reservation window ended; orders cancels it unless it was paid.",
  [Subjects.PaymentCreated]: 'A charge for an order succeeded (`stripeId` is the PaymentIntent or charge).',
  [Subjects.PaymentRefunded]:
    "A completed sale was taken back: its buyer is refunded in full, so the order's pass is revoked (once per sale).",
  [Subjects.SessionRevoked]: 'A session ended (sign-out): its token is refused until it would have expired anyway.',
  [Subjects.SessionsRevokedAll]: 'Every session of a user issued before `before` ended ("sign out everywhere").',
  [Subjects.EventCreated]: 'An organizer added an event (name, venue, city, start) to the catalog (version 0).',
  [Subjects.EventUpdated]: "A catalog event's next version: its organizer changed its details.",
  [Subjects.PassIssued]:
    "A buyer received a signed pass for the ticket of a completed order (version 0); `generation` counts the ticket's passes, `faceValue` is what the holder paid, in minor units.",
  [Subjects.PassRevoked]:
    'A pass will never be admitted (`reason: reissued`: the ticket was resold and `replacedBy` is the new generation; `reason: refunded`: the buyer of its order was refunded, `replacedBy` null).',
  [Subjects.PassAdmitted]: 'An organizer scanned a pass at the door: it was admitted, once.',
  [Subjects.PassListed]:
    'A pass was locked for its resale listing `listingId` (status `listed`, not admissible): the listing may go on sale.',
  [Subjects.PassUnlisted]: 'A listed pass was unlocked (status `valid` again): its resale listing was withdrawn.',
  [Subjects.PassLockRefused]:
    'passes refused to lock a pass for a resale listing (`reason`: admitted, revoked, listed or not_holder): the listing is rejected.',
  [Subjects.PayoutPaid]:
    "A seller was paid for a sale (the ticket's price less the seller fee), once its hold after the event ended: `transferId` is the transfer to their payout account.",
  [Subjects.PayoutCancelled]: "A sale's payout was cancelled before it was paid: the buyer was refunded.",
  [Subjects.PayoutReversed]:
    'A paid payout was taken back from the seller (a transfer reversal): the buyer was refunded.',
  [Subjects.ClaimOpened]:
    "A buyer opened a claim on a completed order: the seller's payout is held until it is resolved.",
  [Subjects.ClaimResolved]:
    'A claim ended: `declined` (the pass was admitted at the door), `refunded` (the buyer got their money back) or `released` (the seller is paid).',
};

/** The data schema of every subject: the one place a payload shape is declared. */
export const eventDataSchemas = {
  [Subjects.TicketCreated]: ticketCreatedData,
  [Subjects.TicketUpdated]: ticketUpdatedData,
  [Subjects.OrderCreated]: orderCreatedData,
  [Subjects.OrderCancelled]: orderCancelledData,
  [Subjects.OrderCompleted]: orderCompletedData,
  [Subjects.ExpirationComplete]: expirationCompleteData,
  [Subjects.PaymentCreated]: paymentCreatedData,
  [Subjects.PaymentRefunded]: paymentRefundedData,
  [Subjects.SessionRevoked]: sessionRevokedData,
  [Subjects.SessionsRevokedAll]: sessionsRevokedAllData,
  [Subjects.EventCreated]: eventCreatedData,
  [Subjects.EventUpdated]: eventUpdatedData,
  [Subjects.PassIssued]: passIssuedData,
  [Subjects.PassRevoked]: passRevokedData,
  [Subjects.PassAdmitted]: passAdmittedData,
  [Subjects.PassListed]: passListedData,
  [Subjects.PassUnlisted]: passUnlistedData,
  [Subjects.PassLockRefused]: passLockRefusedData,
  [Subjects.PayoutPaid]: payoutPaidData,
  [Subjects.PayoutCancelled]: payoutCancelledData,
  [Subjects.PayoutReversed]: payoutReversedData,
  [Subjects.ClaimOpened]: claimOpenedData,
  [Subjects.ClaimResolved]: claimResolvedData,
} as const satisfies Record<Subject, z.ZodType>;

export type EventData<S extends Subject> = z.infer<(typeof eventDataSchemas)[S]>;

export type TicketCreatedData = EventData<typeof Subjects.TicketCreated>;
export type TicketUpdatedData = EventData<typeof Subjects.TicketUpdated>;
export type OrderCreatedData = EventData<typeof Subjects.OrderCreated>;
export type OrderCancelledData = EventData<typeof Subjects.OrderCancelled>;
export type OrderCompletedData = EventData<typeof Subjects.OrderCompleted>;
export type ExpirationCompleteData = EventData<typeof Subjects.ExpirationComplete>;
export type PaymentCreatedData = EventData<typeof Subjects.PaymentCreated>;
export type PaymentRefundedData = EventData<typeof Subjects.PaymentRefunded>;
export type SessionRevokedData = EventData<typeof Subjects.SessionRevoked>;
export type SessionsRevokedAllData = EventData<typeof Subjects.SessionsRevokedAll>;
export type EventCreatedData = EventData<typeof Subjects.EventCreated>;
export type EventUpdatedData = EventData<typeof Subjects.EventUpdated>;
export type PassIssuedData = EventData<typeof Subjects.PassIssued>;
export type PassRevokedData = EventData<typeof Subjects.PassRevoked>;
export type PassAdmittedData = EventData<typeof Subjects.PassAdmitted>;
export type PassListedData = EventData<typeof Subjects.PassListed>;
export type PassUnlistedData = EventData<typeof Subjects.PassUnlisted>;
export type PassLockRefusedData = EventData<typeof Subjects.PassLockRefused>;
export type PayoutPaidData = EventData<typeof Subjects.PayoutPaid>;
export type PayoutCancelledData = EventData<typeof Subjects.PayoutCancelled>;
export type PayoutReversedData = EventData<typeof Subjects.PayoutReversed>;
export type ClaimOpenedData = EventData<typeof Subjects.ClaimOpened>;
export type ClaimResolvedData = EventData<typeof Subjects.ClaimResolved>;
