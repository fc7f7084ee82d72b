import { randomUUID } from 'node:crypto';
import {
  type BatchItem,
  createEvent,
  durableName,
  type Event,
  type PassAdmittedData,
  type PassIssuedData,
  type PassLockRefusalReason,
  type PassRevocationReason,
  STREAM_NAME,
  Subjects,
} from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { type PassRow, passes } from '../src/db/schema';
import { applyPassChange, putListingOnSale } from '../src/domain/pass-replica';
import type { Ticket } from '../src/domain/ticket';
import { PassAdmittedListener } from '../src/events/listeners/pass-admitted.listener';
import { aUser, createTicketsTestBed, orderEvents, type TestUser, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
  await bed.startListeners();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const SEAT = { section: 'B', row: 'F', seat: '12' };

/** Publishes the event and waits until its consumer acknowledged it (its transaction committed). */
async function deliver(event: Event) {
  const seq = await bed.publish(event);
  await bed.handled(event.subject, seq);
}

async function passRow(id: string): Promise<PassRow | undefined> {
  const [row] = await bed.db.select().from(passes).where(eq(passes.id, id));
  return row;
}

async function aCatalogEvent(): Promise<{ id: string }> {
  const response = await request(bed.app())
    .post('/api/events')
    .set('Cookie', aUser().cookie)
    .send({ name: 'Jazz night', venue: 'Blue Hall', city: 'Lyon', startsAt: '2030-06-01T20:00:00Z' })
    .expect(201);
  return response.body as { id: string };
}

/**
 * A ticket of an event (face value 40.00, a seat) that was sold, and the pass its buyer `holder`
 * got for `paidCents` — announced by pass.issued, as passes does, and stored in the replica.
 */
async function aPass({ holder = aUser(), paidCents = 5000 }: { holder?: TestUser; paidCents?: number } = {}) {
  const event = await aCatalogEvent();
  const original = (
    await request(bed.app())
      .post('/api/tickets')
      .set('Cookie', aUser().cookie)
      .send({ title: 'Jazz night, row F', price: paidCents / 100, eventId: event.id, faceValue: 40, seat: SEAT })
      .expect(201)
  ).body as Ticket;
  const orderId = randomUUID();
  await deliver(orderEvents.completed(original, orderId));
  const issued = passEvents.issued({
    ticketId: original.id,
    orderId,
    eventId: event.id,
    holderId: holder.id,
    paidCents,
  });
  await deliver(issued);
  return { pass: issued.data, issued, holder, original, event };
}

type Pass = PassIssuedData;

/** Pass events as passes publishes them. */
const passEvents = {
  issued(fields: { ticketId: string; orderId: string; eventId: string | null; holderId: string; paidCents: number }) {
    return createEvent(Subjects.PassIssued, {
      id: randomUUID(),
      version: 0,
      ticketId: fields.ticketId,
      orderId: fields.orderId,
      eventId: fields.eventId,
      holderId: fields.holderId,
      generation: 1,
      faceValue: fields.paidCents,
      currency: 'usd',
      issuedAt: new Date().toISOString(),
    });
  },
  listed(pass: Pass, listing: Pick<Ticket, 'id' | 'version'>, version = pass.version + 1) {
    return createEvent(Subjects.PassListed, {
      ...passState(pass),
      version,
      listingId: listing.id,
      listingVersion: listing.version,
      listedAt: new Date().toISOString(),
    });
  },
  unlisted(pass: Pass, listingId: string, version: number) {
    return createEvent(Subjects.PassUnlisted, {
      ...passState(pass),
      version,
      listingId,
      unlistedAt: new Date().toISOString(),
    });
  },
  admitted(pass: Pass, version: number) {
    return createEvent(Subjects.PassAdmitted, {
      ...passState(pass),
      eventId: pass.eventId ?? randomUUID(),
      version,
      admittedBy: randomUUID(),
      admittedAt: new Date().toISOString(),
    });
  },
  revoked(pass: Pass, version: number, reason: PassRevocationReason = 'reissued') {
    return createEvent(Subjects.PassRevoked, {
      ...passState(pass),
      version,
      reason,
      replacedBy: reason === 'reissued' ? randomUUID() : null,
      revokedAt: new Date().toISOString(),
    });
  },
  lockRefused(pass: Pass, listing: Pick<Ticket, 'id' | 'version'>, reason: PassLockRefusalReason = 'admitted') {
    return createEvent(Subjects.PassLockRefused, {
      passId: pass.id,
      listingId: listing.id,
      listingVersion: listing.version,
      reason,
      refusedAt: new Date().toISOString(),
    });
  },
};

const passState = (pass: Pass) => ({
  id: pass.id,
  ticketId: pass.ticketId,
  eventId: pass.eventId,
  holderId: pass.holderId,
  generation: pass.generation,
});

function resell(user: TestUser, body: Record<string, unknown>, app = bed.app()) {
  return request(app).post('/api/tickets').set('Cookie', user.cookie).send(body);
}

/** A resale listing of `pass` by its holder, as created (pending). */
async function aResale(pass: Pass, holder: TestUser, price = 55): Promise<Ticket> {
  return (await resell(holder, { resaleOfPassId: pass.id, price }).expect(201)).body as Ticket;
}

/** A resale listing that passes locked its pass for: on sale (version 1), the pass at version 1. */
async function anAvailableResale(price = 55) {
  const { pass, holder, event } = await aPass();
  const pending = await aResale(pass, holder, price);
  await deliver(passEvents.listed(pass, pending));
  const listing = (await request(bed.app()).get(`/api/tickets/${pending.id}`).expect(200)).body as Ticket;
  expect(listing).toMatchObject({ status: 'available', version: 1 });
  return { pass, holder, event, listing };
}

const show = async (id: string) => (await request(bed.app()).get(`/api/tickets/${id}`).expect(200)).body as Ticket;
const publicIds = async (query: Record<string, string> = {}) =>
  ((await request(bed.app()).get('/api/tickets').query(query).expect(200)).body.tickets as Ticket[]).map((t) => t.id);
const catalogEntry = async (eventId: string) =>
  (await request(bed.app()).get(`/api/events/${eventId}`).expect(200)).body as {
    availableListings: number;
    lowestPrice: number | null;
    listings: Ticket[];
  };

describe('POST /api/tickets with resaleOfPassId', () => {
  it('when the holder asks exactly the cap (120% of the 50.00 paid), then it answers 201 with a pending listing that copies the resold ticket and ticket.created says pending', async () => {
    const { pass, holder, original, event } = await aPass({ paidCents: 5000 });
    const response = await resell(holder, { resaleOfPassId: pass.id, price: 60 }).expect(201);

    expect(response.body).toMatchObject({
      title: original.title,
      price: 60,
      userId: holder.id,
      version: 0,
      status: 'pending',
      orderId: null,
      eventId: event.id,
      faceValue: 40,
      seat: SEAT,
      resaleOfPassId: pass.id,
      rejectionReason: null,
    });
    expect(response.body.id).not.toBe(original.id);
    const [created] = await bed.eventsAbout(response.body.id);
    expect(created).toMatchObject({
      subject: Subjects.TicketCreated,
      data: {
        id: response.body.id,
        version: 0,
        price: 6000,
        status: 'pending',
        resaleOfPassId: pass.id,
        faceValue: 4000,
      },
    });
  });

  it('when the price is one minor unit over the cap, then it answers 400 RESALE_PRICE_CAP stating the maximum, and nothing is listed', async () => {
    const { pass, holder } = await aPass({ paidCents: 5000 });
    const response = await resell(holder, { resaleOfPassId: pass.id, price: 60.01 }).expect(400);
    expect(response.body).toEqual({
      errors: [
        { message: 'Price must be at most 60.00 (120% of the 50.00 paid)', code: 'RESALE_PRICE_CAP', field: 'price' },
      ],
    });
    const mine = await request(bed.app()).get('/api/tickets').query({ mine: 'true' }).set('Cookie', holder.cookie);
    expect(mine.body.tickets).toEqual([]);
  });

  it('when RESALE_PRICE_CAP_PERCENT is 150, then the cap follows it', async () => {
    const { pass, holder } = await aPass({ paidCents: 3333 });
    const app = bed.app({ RESALE_PRICE_CAP_PERCENT: 150 });
    const refused = await resell(holder, { resaleOfPassId: pass.id, price: 50 }, app).expect(400);
    expect(refused.body.errors[0].message).toBe('Price must be at most 49.99 (150% of the 33.33 paid)');
    await resell(holder, { resaleOfPassId: pass.id, price: 49.99 }, app).expect(201);
  });

  it('when a title is given, then the listing takes it instead of the resold ticket’s', async () => {
    const { pass, holder } = await aPass();
    const response = await resell(holder, { resaleOfPassId: pass.id, price: 50, title: 'My seat' }).expect(201);
    expect(response.body.title).toBe('My seat');
  });

  it('when tickets has not heard of the pass, then it answers 404 PASS_NOT_FOUND about resaleOfPassId', async () => {
    const response = await resell(aUser(), { resaleOfPassId: randomUUID(), price: 50 }).expect(404);
    expect(response.body).toEqual({
      errors: [{ message: 'Pass not found', code: 'PASS_NOT_FOUND', field: 'resaleOfPassId' }],
    });
  });

  it('when someone else holds the pass, then it answers 403 NOT_PASS_HOLDER about resaleOfPassId', async () => {
    const { pass } = await aPass();
    const response = await resell(aUser(), { resaleOfPassId: pass.id, price: 50 }).expect(403);
    expect(response.body).toEqual({
      errors: [
        { message: 'Only the holder of a pass may resell it', code: 'NOT_PASS_HOLDER', field: 'resaleOfPassId' },
      ],
    });
  });

  it('when a resale names its own event, face value or seat, then it answers 400 naming the key (a resale is validated as one)', async () => {
    const { pass, holder } = await aPass();
    const response = await resell(holder, { resaleOfPassId: pass.id, price: 50, faceValue: 10 }).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED' })]);
    const noPrice = await resell(holder, { resaleOfPassId: pass.id }).expect(400);
    expect(noPrice.body.errors).toEqual([expect.objectContaining({ field: 'price' })]);
  });

  it('when the listing is pending, then it is neither in the public listing (nor with include=reserved) nor in the catalog, but the seller sees it', async () => {
    const { pass, holder, event } = await aPass();
    const before = await catalogEntry(event.id);
    const listing = await aResale(pass, holder, 30);

    expect(await publicIds()).not.toContain(listing.id);
    expect(await publicIds({ include: 'reserved' })).not.toContain(listing.id);
    expect(await catalogEntry(event.id)).toMatchObject({
      availableListings: before.availableListings,
      lowestPrice: before.lowestPrice,
    });
    const mine = await request(bed.app()).get('/api/tickets').query({ mine: 'true' }).set('Cookie', holder.cookie);
    expect(mine.body.tickets).toEqual([expect.objectContaining({ id: listing.id, status: 'pending' })]);
  });
});

describe('pass.listed', () => {
  it('when passes locked the pass at the listing’s version, then the listing is on sale as version 1 and ticket.updated says available', async () => {
    const { pass, holder, event } = await aPass();
    const listing = await aResale(pass, holder, 30);
    const listed = passEvents.listed(pass, listing);
    await deliver(listed);

    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 1 });
    const events = await bed.eventsAbout(listing.id, 2);
    expect(events[1]).toMatchObject({
      subject: Subjects.TicketUpdated,
      correlationId: listed.correlationId,
      data: { id: listing.id, version: 1, status: 'available', resaleOfPassId: pass.id },
    });
    expect(await passRow(pass.id)).toMatchObject({ status: 'listed', listingId: listing.id, version: 1 });
    expect(await publicIds()).toContain(listing.id);
    expect(await catalogEntry(event.id)).toMatchObject({ lowestPrice: 30 });
  });

  it('when pass.listed names a listing version the listing is not at, then the replica follows it but the listing stays pending', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    await deliver(passEvents.listed(pass, { id: listing.id, version: listing.version + 1 }));

    expect(await passRow(pass.id)).toMatchObject({ status: 'listed', version: 1 });
    expect(await show(listing.id)).toMatchObject({ status: 'pending', version: 0 });
    expect(await bed.outboxAbout(listing.id)).toHaveLength(1);
  });

  it('when pass.listed is delivered again, then the listing changes once', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    const listed = passEvents.listed(pass, listing);
    await deliver(listed);
    await bed.handled(Subjects.PassListed, await bed.republish(listed));

    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 1 });
    expect(await bed.outboxAbout(listing.id)).toHaveLength(2);
    expect(await passRow(pass.id)).toMatchObject({ version: 1 });
  });
});

describe('pass.lock_refused', () => {
  it('when passes refused the lock, then the listing is rejected with the reason and ticket.updated says rejected', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    await deliver(passEvents.lockRefused(pass, listing, 'admitted'));

    expect(await show(listing.id)).toMatchObject({ status: 'rejected', rejectionReason: 'admitted', version: 1 });
    const events = await bed.eventsAbout(listing.id, 2);
    expect(events[1]).toMatchObject({ subject: Subjects.TicketUpdated, data: { version: 1, status: 'rejected' } });
    expect(await publicIds()).not.toContain(listing.id);
  });

  it('when the refusal is of a listing version the listing is not at, then it is ignored', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    await deliver(passEvents.lockRefused(pass, { id: listing.id, version: 3 }, 'listed'));
    expect(await show(listing.id)).toMatchObject({ status: 'pending', version: 0, rejectionReason: null });
  });

  it('when the refusal arrives after the listing went on sale, or again, then the listing is unchanged', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    await deliver(passEvents.listed(pass, listing));
    const refused = passEvents.lockRefused(pass, listing, 'revoked');
    await deliver(refused);
    await bed.handled(Subjects.PassLockRefused, await bed.republish(refused));
    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 1, rejectionReason: null });
  });
});

describe('the passes replica', () => {
  it('when a pass’s later versions arrive before earlier ones, then each waits for its predecessor and the replica ends at the last', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    // Version 2 first: retried until version 1 (the lock) is in.
    await bed.publish(passEvents.unlisted(pass, listing.id, 2));
    await bed.publish(passEvents.listed(pass, listing, 1));

    const row = await waitFor(async () => {
      const current = await passRow(pass.id);
      return current?.version === 2 ? current : undefined;
    });
    expect(row).toMatchObject({ status: 'valid', listingId: null });
    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 1 });
  });

  it('when a version gap has lasted GAP_HEAL_SECONDS, then a later pass event is applied over it (and still puts its listing on sale)', async () => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    const lost = { ...pass, version: 3 };
    const relocked = passEvents.listed(lost, listing, 3);
    const change = { ...relocked.data, status: 'listed' as const };
    const answer = { passId: pass.id, listingId: listing.id, listingVersion: 0, correlationId: relocked.correlationId };

    // Stored a moment ago: it waits for versions 1 and 2.
    await expect(
      applyPassChange(bed.store, change, { storedAt: new Date(), healMs: 60_000 }, (tx) =>
        putListingOnSale(bed.store, tx, answer),
      ),
    ).rejects.toThrow(/at version 0, waiting before 3/);
    expect(await passRow(pass.id)).toMatchObject({ version: 0, status: 'valid' });

    // Stored longer ago than the heal time: versions 1 and 2 are never coming.
    const healed = await applyPassChange(
      bed.store,
      change,
      { storedAt: new Date(Date.now() - 61_000), healMs: 60_000 },
      (tx) => putListingOnSale(bed.store, tx, answer),
    );
    expect(healed).toMatchObject({ replica: 'gap-skipped', listing: { outcome: 'changed' } });
    expect(await passRow(pass.id)).toMatchObject({ version: 3, status: 'listed', listingId: listing.id });
    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 1 });
  });

  it('when a pass event arrives before pass.issued, then it is applied after it', async () => {
    const holder = aUser();
    const issued = passEvents.issued({
      ticketId: randomUUID(),
      orderId: randomUUID(),
      eventId: randomUUID(),
      holderId: holder.id,
      paidCents: 4000,
    });
    await bed.publish(passEvents.admitted(issued.data, 1));
    await bed.publish(issued);

    const row = await waitFor(async () => {
      const current = await passRow(issued.data.id);
      return current?.version === 1 ? current : undefined;
    });
    expect(row).toMatchObject({ status: 'admitted', faceValueCents: 4000, holderId: holder.id });
  });

  it('when admissions wait together, then one statement applies the next versions and only a duplicate goes the versioned way', async () => {
    type Apply = (items: readonly BatchItem<typeof Subjects.PassAdmitted>[]) => Promise<void>;
    type Handle = (data: PassAdmittedData) => Promise<void>;
    // Nothing left over from an earlier test on the consumer.
    await waitFor(
      async () =>
        (await bed.jsm.consumers.info(STREAM_NAME, durableName('tickets', Subjects.PassAdmitted))).num_ack_pending ===
        0,
    );
    const issue = () =>
      passEvents.issued({
        ticketId: randomUUID(),
        orderId: randomUUID(),
        eventId: randomUUID(),
        holderId: aUser().id,
        paidCents: 4000,
      });
    const [first, a, b, before] = [issue(), issue(), issue(), issue()];
    for (const issued of [first, a, b, before]) await deliver(issued);
    const admittedBefore = passEvents.admitted(before.data, 1);
    await deliver(admittedBefore);
    const listener = PassAdmittedListener.prototype as unknown as { applyBatch: Apply; onMessage: Handle };
    const applyBatch = jest.spyOn(listener, 'applyBatch');
    const onMessage = jest.spyOn(listener, 'onMessage');
    const group = [
      passEvents.admitted(a.data, 1),
      admittedBefore, // delivered again: a duplicate
      passEvents.admitted(b.data, 1),
    ];
    await bed.deliverAsGroup('passes', passEvents.admitted(first.data, 1), group);

    expect(applyBatch.mock.calls.map(([items]) => items.map((item) => item.event.eventId))).toEqual([
      group.map((event) => event.eventId),
    ]);
    // `first` came alone; of the group, only the duplicate needed the versioned path.
    expect(onMessage.mock.calls.map(([data]) => data.id)).toEqual([first.data.id, before.data.id]);
    for (const issued of [first, a, b, before]) {
      expect(await passRow(issued.data.id)).toMatchObject({ status: 'admitted', version: 1 });
    }
    applyBatch.mockRestore();
    onMessage.mockRestore();
  });

  it('when pass.issued and pass.revoked are delivered again, then the replica keeps one pass at its version', async () => {
    const { pass, issued } = await aPass();
    const revoked = passEvents.revoked(pass, 1);
    await deliver(revoked);
    await bed.handled(Subjects.PassRevoked, await bed.republish(revoked));
    await bed.handled(Subjects.PassIssued, await bed.republish(issued));
    expect(await passRow(pass.id)).toMatchObject({ status: 'revoked', version: 1, faceValueCents: pass.faceValue });
    expect(await bed.db.select().from(passes)).toHaveLength(1);
  });

  it('when a revoked pass is resold, then passes refuses the lock and the listing ends rejected', async () => {
    const { pass, holder } = await aPass();
    await deliver(passEvents.revoked(pass, 1));
    const listing = await aResale(pass, holder);
    expect(listing.status).toBe('pending');
    await deliver(passEvents.lockRefused(pass, listing, 'revoked'));
    expect(await show(listing.id)).toMatchObject({ status: 'rejected', rejectionReason: 'revoked' });
  });
});

describe('a resale listing whose pass is revoked because its buyer was refunded', () => {
  it('when the listing is on sale, then it ends rejected (revoked): off the public list and the catalog, ticket.updated says so', async () => {
    const { pass, event, listing } = await anAvailableResale();

    await deliver(passEvents.revoked(pass, 2, 'refunded'));

    expect(await show(listing.id)).toMatchObject({ status: 'rejected', rejectionReason: 'revoked', version: 2 });
    expect(await publicIds()).not.toContain(listing.id);
    expect((await catalogEntry(event.id)).availableListings).toBe(0);
    const [, , updated] = await bed.eventsAbout(listing.id, 3);
    expect(updated).toMatchObject({
      subject: Subjects.TicketUpdated,
      data: { id: listing.id, version: 2, status: 'rejected' },
    });
    expect(await passRow(pass.id)).toMatchObject({ status: 'revoked', version: 2, listingId: null });
  });

  it('when the listing is reserved, then it stays reserved; once that order is cancelled it is rejected, not back on sale', async () => {
    const { pass, listing } = await anAvailableResale();
    const orderId = randomUUID();
    await deliver(orderEvents.reservation(listing, 1, orderId));
    expect(await show(listing.id)).toMatchObject({ status: 'reserved' });

    await deliver(passEvents.revoked(pass, 2, 'refunded'));
    expect(await show(listing.id)).toMatchObject({ status: 'reserved', orderId });

    await deliver(orderEvents.cancelled(listing, orderId));
    expect(await show(listing.id)).toMatchObject({ status: 'rejected', rejectionReason: 'revoked', orderId: null });
    expect(await publicIds()).not.toContain(listing.id);
  });

  it('when pass.revoked (refunded) is delivered again, then the listing is rejected once', async () => {
    const { pass, listing } = await anAvailableResale();
    const revoked = passEvents.revoked(pass, 2, 'refunded');
    await deliver(revoked);
    await bed.handled(Subjects.PassRevoked, await bed.republish(revoked));
    expect(await show(listing.id)).toMatchObject({ status: 'rejected', version: 2 });
  });

  it('when a pass is revoked because it was reissued, then its listing is left to the sale that reissued it', async () => {
    const { pass, listing } = await anAvailableResale();
    await deliver(passEvents.revoked(pass, 2, 'reissued'));
    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 1 });
  });
});

describe('withdrawing and relisting a resale listing', () => {
  it('when the seller withdraws it, then it is withdrawn; relisted, it is pending until passes locks the pass again', async () => {
    const { pass, listing, holder } = await anAvailableResale();
    const withdrawn = await request(bed.app())
      .post(`/api/tickets/${listing.id}/withdraw`)
      .set('Cookie', holder.cookie)
      .expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', version: 2 });
    await deliver(passEvents.unlisted(pass, listing.id, 2));

    const relisted = await request(bed.app())
      .post(`/api/tickets/${listing.id}/relist`)
      .set('Cookie', holder.cookie)
      .expect(200);
    expect(relisted.body).toMatchObject({ status: 'pending', version: 3 });
    const events = await bed.eventsAbout(listing.id, 4);
    expect(events.slice(2).map((event) => event.data.status)).toEqual(['withdrawn', 'pending']);
    expect(await publicIds()).not.toContain(listing.id);

    // The lock of the first listing version is stale now; the relisting's is not.
    await deliver(passEvents.listed(pass, { id: listing.id, version: 3 }, 3));
    expect(await show(listing.id)).toMatchObject({ status: 'available', version: 4 });
  });

  it.each([
    ['PUT', (id: string) => request(bed.app()).put(`/api/tickets/${id}`).send({ title: 'x', price: 20 })],
    ['withdraw', (id: string) => request(bed.app()).post(`/api/tickets/${id}/withdraw`)],
    ['relist', (id: string) => request(bed.app()).post(`/api/tickets/${id}/relist`)],
  ])('when the listing is pending, then %s answers 409 LISTING_PENDING', async (_what, call) => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    const response = await call(listing.id).set('Cookie', holder.cookie).expect(409);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'LISTING_PENDING' })]);
    expect(await show(listing.id)).toMatchObject({ status: 'pending', version: 0 });
  });

  it.each([
    ['PUT', (id: string) => request(bed.app()).put(`/api/tickets/${id}`).send({ title: 'x', price: 20 })],
    ['withdraw', (id: string) => request(bed.app()).post(`/api/tickets/${id}/withdraw`)],
    ['relist', (id: string) => request(bed.app()).post(`/api/tickets/${id}/relist`)],
  ])('when the listing was rejected, then %s answers 409 LISTING_REJECTED', async (_what, call) => {
    const { pass, holder } = await aPass();
    const listing = await aResale(pass, holder);
    await deliver(passEvents.lockRefused(pass, listing, 'not_holder'));
    const response = await call(listing.id).set('Cookie', holder.cookie).expect(409);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'LISTING_REJECTED' })]);
    expect(await show(listing.id)).toMatchObject({ status: 'rejected', version: 1 });
  });
});

describe('PUT of a resale listing', () => {
  const edit = (id: string, user: TestUser, body: Record<string, unknown>) =>
    request(bed.app()).put(`/api/tickets/${id}`).set('Cookie', user.cookie).send(body);

  it('when the new price is the cap, then it is saved; one minor unit over, then 400 RESALE_PRICE_CAP', async () => {
    const { listing, holder } = await anAvailableResale();
    const over = await edit(listing.id, holder, { title: 'Seat', price: 60.01 }).expect(400);
    expect(over.body).toEqual({
      errors: [
        { message: 'Price must be at most 60.00 (120% of the 50.00 paid)', code: 'RESALE_PRICE_CAP', field: 'price' },
      ],
    });
    const saved = await edit(listing.id, holder, { title: 'Seat', price: 60 }).expect(200);
    expect(saved.body).toMatchObject({
      price: 60,
      version: 2,
      status: 'available',
      resaleOfPassId: listing.resaleOfPassId,
    });
  });

  it('when the body repeats the resold ticket’s event, face value and seat, then the edit is saved', async () => {
    const { listing, holder, event } = await anAvailableResale();
    await edit(listing.id, holder, { title: 'Seat', price: 50, eventId: event.id, faceValue: 40, seat: SEAT }).expect(
      200,
    );
  });

  it.each([
    ['eventId', () => ({ eventId: randomUUID() })],
    ['faceValue', () => ({ faceValue: 41 })],
    ['seat', () => ({ seat: { ...SEAT, seat: '13' } })],
    ['seat', () => ({ seat: null })],
    ['eventId', () => ({ eventId: null, faceValue: 1 })],
  ])(
    'when the body changes %s, then it answers 400 RESALE_LISTING_FIXED about it and nothing changes',
    async (field, body) => {
      const { listing, holder } = await anAvailableResale();
      const response = await edit(listing.id, holder, { title: 'Seat', price: 50, ...body() }).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'RESALE_LISTING_FIXED', field })]);
      expect(await show(listing.id)).toMatchObject({ version: 1, price: 55 });
    },
  );
});
