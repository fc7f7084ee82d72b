import { randomUUID } from 'node:crypto';
import { type EventData, OrderStatus, type Subject, Subjects } from '@ticketing/common';

/** How far in the future a sample order expires: the orders service's default window. */
const SAMPLE_EXPIRATION_MS = 15 * 60 * 1000;
/** How long a sample revoked session's token would still have lived: auth's default token lifetime. */
const SAMPLE_SESSION_MS = 24 * 60 * 60 * 1000;

/** How far ahead a sample catalog event starts. */
const SAMPLE_EVENT_MS = 30 * 24 * 60 * 60 * 1000;

const sampleEvent = (version: number) => ({
  id: randomUUID(),
  version,
  organizerId: randomUUID(),
  name: 'Sample festival',
  venue: 'Sample Arena',
  city: 'Amsterdam',
  startsAt: new Date(Date.now() + SAMPLE_EVENT_MS).toISOString(),
  category: 'music',
});

const samples: { [S in Subject]: () => EventData<S> } = {
  [Subjects.TicketCreated]: () => ({
    id: randomUUID(),
    version: 0,
    title: 'Sample concert',
    price: 2_500,
    userId: randomUUID(),
  }),
  [Subjects.TicketUpdated]: () => ({
    id: randomUUID(),
    version: 1,
    title: 'Sample concert (updated)',
    price: 3_000,
    userId: randomUUID(),
    orderId: null,
    status: 'available',
  }),
  [Subjects.OrderCreated]: () => ({
    id: randomUUID(),
    version: 0,
    status: OrderStatus.Created,
    userId: randomUUID(),
    expiresAt: new Date(Date.now() + SAMPLE_EXPIRATION_MS).toISOString(),
    reservationNumber: 1,
    ticket: { id: randomUUID(), price: 2_500 },
  }),
  [Subjects.OrderCancelled]: () => ({ id: randomUUID(), version: 1, ticket: { id: randomUUID() } }),
  [Subjects.OrderCompleted]: () => ({ id: randomUUID(), version: 1, ticket: { id: randomUUID() } }),
  [Subjects.ExpirationComplete]: () => ({ orderId: randomUUID() }),
  [Subjects.PaymentCreated]: () => ({
    id: randomUUID(),
    orderId: randomUUID(),
    stripeId: `pi_sample_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
  }),
  [Subjects.PaymentRefunded]: () => ({
    id: randomUUID(),
    orderId: randomUUID(),
    ticketId: randomUUID(),
    refundedAt: new Date().toISOString(),
  }),
  [Subjects.SessionRevoked]: () => ({
    sessionId: randomUUID(),
    userId: randomUUID(),
    expiresAt: new Date(Date.now() + SAMPLE_SESSION_MS).toISOString(),
  }),
  [Subjects.SessionsRevokedAll]: () => ({
    userId: randomUUID(),
    before: new Date().toISOString(),
    expiresAt: new Date(Date.now() + SAMPLE_SESSION_MS).toISOString(),
  }),
  [Subjects.EventCreated]: () => sampleEvent(0),
  [Subjects.EventUpdated]: () => sampleEvent(1),
  [Subjects.PassIssued]: () => ({
    id: randomUUID(),
    version: 0,
    ticketId: randomUUID(),
    orderId: randomUUID(),
    eventId: randomUUID(),
    holderId: randomUUID(),
    generation: 1,
    faceValue: 2_500,
    currency: 'usd',
    issuedAt: new Date().toISOString(),
  }),
  [Subjects.PassRevoked]: () => ({
    id: randomUUID(),
    version: 1,
    ticketId: randomUUID(),
    eventId: randomUUID(),
    holderId: randomUUID(),
    generation: 1,
    reason: 'reissued',
    replacedBy: randomUUID(),
    revokedAt: new Date().toISOString(),
  }),
  [Subjects.PassAdmitted]: () => ({
    id: randomUUID(),
    version: 1,
    ticketId: randomUUID(),
    eventId: randomUUID(),
    holderId: randomUUID(),
    generation: 1,
    admittedBy: randomUUID(),
    admittedAt: new Date().toISOString(),
  }),
  [Subjects.PassListed]: () => ({
    id: randomUUID(),
    version: 1,
    ticketId: randomUUID(),
    eventId: randomUUID(),
    holderId: randomUUID(),
    generation: 1,
    listingId: randomUUID(),
    listingVersion: 0,
    listedAt: new Date().toISOString(),
  }),
  [Subjects.PassUnlisted]: () => ({
    id: randomUUID(),
    version: 2,
    ticketId: randomUUID(),
    eventId: randomUUID(),
    holderId: randomUUID(),
    generation: 1,
    listingId: randomUUID(),
    unlistedAt: new Date().toISOString(),
  }),
  [Subjects.PassLockRefused]: () => ({
    passId: randomUUID(),
    listingId: randomUUID(),
    listingVersion: 0,
    reason: 'admitted',
    refusedAt: new Date().toISOString(),
  }),
  [Subjects.PayoutPaid]: () => ({
    id: randomUUID(),
    version: 1,
    orderId: randomUUID(),
    sellerId: randomUUID(),
    amount: 4275,
    currency: 'usd',
    transferId: 'tr_sample',
    paidAt: new Date().toISOString(),
  }),
  [Subjects.PayoutCancelled]: () => ({
    id: randomUUID(),
    version: 1,
    orderId: randomUUID(),
    sellerId: randomUUID(),
    amount: 4275,
    currency: 'usd',
    cancelledAt: new Date().toISOString(),
  }),
  [Subjects.PayoutReversed]: () => ({
    id: randomUUID(),
    version: 2,
    orderId: randomUUID(),
    sellerId: randomUUID(),
    amount: 4275,
    currency: 'usd',
    reversalId: 'trr_sample',
    reversedAt: new Date().toISOString(),
  }),
  [Subjects.ClaimOpened]: () => ({
    id: randomUUID(),
    version: 0,
    orderId: randomUUID(),
    buyerId: randomUUID(),
    openedAt: new Date().toISOString(),
  }),
  [Subjects.ClaimResolved]: () => ({
    id: randomUUID(),
    version: 1,
    orderId: randomUUID(),
    buyerId: randomUUID(),
    outcome: 'refunded',
    reason: null,
    resolvedBy: randomUUID(),
    resolvedAt: new Date().toISOString(),
  }),
};

/**
 * A valid payload for `subject`, with fresh ids (prices in cents, `expiresAt` in the future),
 * for trying a listener by hand. Ids point at nothing: override them to target real entities.
 */
export function sampleData<S extends Subject>(subject: S): EventData<S> {
  return samples[subject]();
}
