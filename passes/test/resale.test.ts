import { randomUUID } from 'node:crypto';
import { Subjects, type TicketCreatedData, type TicketStatus } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import type { PassRow } from '../src/db/schema';
import { scanPass } from '../src/domain/scan-pass';
import { verifyPassCode } from '../src/signing/pass-codes';
import { anOrderCreated, aResaleListing, aUser, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
type HeldPass = Awaited<ReturnType<PassesTestBed['aHeldPass']>>;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

/** tickets' next version of a listing (ticket.updated) with `status`. */
async function moveListing(listing: TicketCreatedData, version: number, status: TicketStatus) {
  return bed.publish(Subjects.TicketUpdated, { ...listing, version, status });
}

async function lockRefusals(listingId: string) {
  return (await bed.published(Subjects.PassLockRefused)).filter((event) => event.data.listingId === listingId);
}

/** Lists `pass` and waits until passes has locked it. */
async function listed(pass: PassRow, overrides: Partial<TicketCreatedData> = {}) {
  const listing = aResaleListing(pass, overrides);
  const created = await bed.publish(Subjects.TicketCreated, listing);
  await waitFor(async () => (await bed.passNow(pass.id)).status === 'listed');
  return { listing, created };
}

describe('locking a pass for its resale listing', () => {
  it('when a pending resale listing of a valid pass arrives from its holder, then the pass is listed for it and pass.listed carries the listing version', async () => {
    const { event, pass } = await bed.aHeldPass(5_000);

    const { listing } = await listed(pass);

    const locked = await bed.passNow(pass.id);
    expect(locked).toMatchObject({ status: 'listed', listingId: listing.id, version: 1, holderId: pass.holderId });
    const [published] = await bed.published(Subjects.PassListed, pass.id);
    expect(published?.data).toEqual({
      id: pass.id,
      version: 1,
      ticketId: pass.ticketId,
      eventId: event.id,
      holderId: pass.holderId,
      generation: 1,
      listingId: listing.id,
      listingVersion: 0,
      listedAt: expect.any(String),
    });
    expect(await bed.ticket(listing.id)).toEqual({
      id: listing.id,
      eventId: event.id,
      userId: pass.holderId,
      resaleOfPassId: pass.id,
      status: 'pending',
      version: 0,
    });
    expect(await bed.published(Subjects.PassLockRefused)).toEqual([]);
  });

  it('when the holder asks for their passes, then the listed one shows status listed and its listing', async () => {
    const { holder, pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);

    const response = await request(bed.app()).get('/api/passes').set('Cookie', holder.cookie).expect(200);

    expect(response.body.passes).toEqual([
      expect.objectContaining({ id: pass.id, status: 'listed', listingId: listing.id }),
    ]);
  });

  /** Publishes a listing that must be refused; resolves with its pass.lock_refused, once handled. */
  async function refused(listing: TicketCreatedData) {
    await bed.publish(Subjects.TicketCreated, listing);
    await bed.settled(Subjects.TicketCreated);
    return lockRefusals(listing.id);
  }

  it.each([
    [
      'the pass was admitted at the door',
      'admitted',
      async ({ organizer, pass }: HeldPass) => {
        await scanPass(bed.deps, { code: pass.code, scannerId: organizer.id });
        return aResaleListing(pass);
      },
    ],
    [
      'the pass was revoked (its ticket was reissued)',
      'revoked',
      async ({ ticket, pass }: HeldPass) => {
        await bed.buy(ticket.id);
        return aResaleListing(pass);
      },
    ],
    [
      'its seller does not hold the pass',
      'not_holder',
      async ({ pass }: HeldPass) => aResaleListing(pass, { userId: randomUUID() }),
    ],
  ] as const)(
    'when a resale listing arrives but %s, then pass.lock_refused says %s and the pass is unchanged',
    async (_because, reason, prepare) => {
      const held = await bed.aHeldPass(5_000);
      const listing = await prepare(held);
      const before = await bed.passNow(held.pass.id);

      const refusals = await refused(listing);

      expect(refusals.map((event) => event.data)).toEqual([
        { passId: held.pass.id, listingId: listing.id, listingVersion: 0, reason, refusedAt: expect.any(String) },
      ]);
      expect(await bed.passNow(held.pass.id)).toEqual(before);
      expect(await bed.published(Subjects.PassListed)).toEqual([]);
    },
  );

  it('when a stranger lists a pass that was admitted, then the refusal says not_holder: the pass’s state does not leak', async () => {
    const { organizer, pass } = await bed.aHeldPass(5_000);
    await scanPass(bed.deps, { code: pass.code, scannerId: organizer.id });
    const listing = aResaleListing(pass, { userId: randomUUID() });

    const refusals = await refused(listing);

    expect(refusals.map((event) => event.data.reason)).toEqual(['not_holder']);
  });

  it('when the listing is pending again at a newer version while the pass is still listed for it (its withdrawal skipped), then the lock answers the newer version', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);

    await moveListing(listing, 1, 'pending');

    await waitFor(async () => (await bed.passNow(pass.id)).version === 2);
    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'listed', listingId: listing.id });
    const listings = await bed.published(Subjects.PassListed, pass.id);
    expect(listings.map((event) => [event.data.version, event.data.listingVersion])).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });

  it('when a second resale listing of a pass listed for another one arrives, then it is refused as listed and the first lock stays', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const { listing: first } = await listed(pass);
    const before = await bed.passNow(pass.id);
    const second = aResaleListing(pass);

    await bed.publish(Subjects.TicketCreated, second);

    const [refusal] = await waitFor(async () => {
      const found = await lockRefusals(second.id);
      return found.length > 0 ? found : undefined;
    });
    expect(refusal?.data).toMatchObject({ passId: pass.id, listingId: second.id, listingVersion: 0, reason: 'listed' });
    expect(await bed.passNow(pass.id)).toEqual(before);
    expect(before).toMatchObject({ status: 'listed', listingId: first.id });
    expect(await bed.published(Subjects.PassListed)).toHaveLength(1);
  });

  it('when ticket events of the listing are delivered again, then the pass is locked once and a withdrawn listing stays unlocked', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const { listing, created } = await listed(pass);
    await bed.publishAgain(created);
    await bed.settled(Subjects.TicketCreated);
    expect(await bed.published(Subjects.PassListed)).toHaveLength(1);

    const withdrawn = await moveListing(listing, 1, 'withdrawn');
    await waitFor(async () => (await bed.passNow(pass.id)).status === 'valid');
    await bed.publishAgain(created);
    await bed.publishAgain(withdrawn);
    await bed.settled(Subjects.TicketCreated);
    await bed.settled(Subjects.TicketUpdated);

    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'valid', listingId: null, version: 2 });
    expect(await bed.published(Subjects.PassListed)).toHaveLength(1);
    expect(await bed.published(Subjects.PassUnlisted)).toHaveLength(1);
    expect(await bed.published(Subjects.PassLockRefused)).toEqual([]);
  });

  it('when an ordinary listing arrives, then no pass is touched and nothing is published', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const ordinary = { id: randomUUID(), version: 0, title: 'Seat', price: 20, userId: pass.holderId };
    await bed.publish(Subjects.TicketCreated, ordinary);
    await waitFor(() => bed.ticket(ordinary.id));
    expect(await bed.ticket(ordinary.id)).toMatchObject({ resaleOfPassId: null, status: null });
    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'valid', version: 0 });
  });
});

describe('unlocking on withdrawal or rejection', () => {
  it('when the listing is put on sale and then withdrawn, then the pass is valid again and pass.unlisted is published', async () => {
    const { event, pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    await moveListing(listing, 1, 'available');
    await waitFor(async () => (await bed.ticket(listing.id))?.version === 1);
    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'listed', version: 1 });

    await moveListing(listing, 2, 'withdrawn');

    await waitFor(async () => (await bed.passNow(pass.id)).status === 'valid');
    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'valid', listingId: null, version: 2 });
    const [unlisted] = await bed.published(Subjects.PassUnlisted, pass.id);
    expect(unlisted?.data).toEqual({
      id: pass.id,
      version: 2,
      ticketId: pass.ticketId,
      eventId: event.id,
      holderId: pass.holderId,
      generation: 1,
      listingId: listing.id,
      unlistedAt: expect.any(String),
    });
  });

  it('when a listing the pass is locked for ends rejected, then the pass is unlocked too', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);

    await moveListing(listing, 1, 'rejected');

    await waitFor(async () => (await bed.passNow(pass.id)).status === 'valid');
    expect(await bed.passNow(pass.id)).toMatchObject({ listingId: null, version: 2 });
    expect(await bed.published(Subjects.PassUnlisted, pass.id)).toHaveLength(1);
  });

  it('when another listing of the pass ends rejected, then the lock of the listing it is listed for stays', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    const refusedListing = aResaleListing(pass);
    await bed.publish(Subjects.TicketCreated, refusedListing);
    await moveListing(refusedListing, 1, 'rejected');
    await waitFor(async () => (await bed.ticket(refusedListing.id))?.version === 1);
    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'listed', listingId: listing.id, version: 1 });
    expect(await bed.published(Subjects.PassUnlisted)).toEqual([]);
  });

  it('when a withdrawn listing is relisted (pending again), then the pass is locked again with the new listing version', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    await moveListing(listing, 1, 'available');
    await moveListing(listing, 2, 'withdrawn');
    await waitFor(async () => (await bed.passNow(pass.id)).status === 'valid');

    await moveListing(listing, 3, 'pending');

    await waitFor(async () => (await bed.passNow(pass.id)).status === 'listed');
    expect(await bed.passNow(pass.id)).toMatchObject({ listingId: listing.id, version: 3 });
    const listings = await bed.published(Subjects.PassListed, pass.id);
    expect(listings.map((event) => [event.data.version, event.data.listingVersion])).toEqual([
      [1, 0],
      [3, 3],
    ]);
  });
});

describe('the resale completes', () => {
  /** The buyer's order of the listing, created then completed: resolves with the order's data. */
  async function buyListing(listing: TicketCreatedData, buyerId: string, price = 5_500) {
    const order = anOrderCreated({ userId: buyerId, ticket: { id: listing.id, price, currency: 'usd' } });
    await bed.publish(Subjects.OrderCreated, order);
    const completed = await bed.publish(Subjects.OrderCompleted, {
      id: order.id,
      version: 1,
      ticket: { id: listing.id },
    });
    return { order, completed };
  }

  it('when the order of the listing completes, then the listed pass is revoked and the buyer gets the next generation of the same ticket, which alone is admitted', async () => {
    const { organizer, event, ticket, pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    await moveListing(listing, 1, 'available');
    const buyer = aUser();

    const { order } = await buyListing(listing, buyer.id);

    const reissued = await waitFor(() => bed.passOfOrder(order.id));
    expect(reissued).toMatchObject({
      ticketId: ticket.id,
      orderId: order.id,
      eventId: event.id,
      holderId: buyer.id,
      generation: 2,
      status: 'valid',
      listingId: null,
      faceValue: 5_500,
      version: 0,
    });
    expect(await bed.passesOfTicket(ticket.id)).toEqual([
      expect.objectContaining({ id: pass.id, status: 'revoked', listingId: null, replacedBy: reissued.id, version: 2 }),
      reissued,
    ]);
    expect(verifyPassCode(bed.keys, reissued.code)).toMatchObject({
      pid: reissued.id,
      tid: ticket.id,
      eid: event.id,
      hid: buyer.id,
      gen: 2,
    });
    const [revoked] = await bed.published(Subjects.PassRevoked, pass.id);
    expect(revoked?.data).toMatchObject({ version: 2, reason: 'reissued', replacedBy: reissued.id });
    expect(await bed.published(Subjects.PassIssued, reissued.id)).toHaveLength(1);

    const scan = (code: string) =>
      request(bed.app()).post('/api/passes/scan').set('Cookie', organizer.cookie).send({ code });
    const old = await scan(pass.code).expect(409);
    expect(old.body.errors).toEqual([{ message: expect.any(String), code: 'PASS_REVOKED' }]);
    const admitted = await scan(reissued.code).expect(200);
    expect(admitted.body.pass).toMatchObject({ id: reissued.id, status: 'admitted', generation: 2 });
  });

  it('when order.completed of the listing is delivered again, then one pass is issued and one revoked', async () => {
    const { ticket, pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    const { order, completed } = await buyListing(listing, randomUUID());
    await waitFor(() => bed.passOfOrder(order.id));

    await bed.publishAgain(completed);
    await bed.settled(Subjects.OrderCompleted);

    expect((await bed.passesOfTicket(ticket.id)).map((p) => [p.generation, p.status])).toEqual([
      [1, 'revoked'],
      [2, 'valid'],
    ]);
    expect(await bed.published(Subjects.PassRevoked)).toHaveLength(1);
    expect(await bed.published(Subjects.PassIssued)).toHaveLength(2);
  });

  it('when the resold pass was admitted meanwhile (a withdrawal raced the sale), then no pass is issued and the conflict is counted once', async () => {
    const { organizer, ticket, pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    await moveListing(listing, 1, 'withdrawn');
    await waitFor(async () => (await bed.passNow(pass.id)).status === 'valid');
    await scanPass(bed.deps, { code: pass.code, scannerId: organizer.id });

    const { order, completed } = await buyListing(listing, randomUUID());
    await waitFor(async () => (await bed.order(order.id))?.status === 'complete');
    await bed.settled(Subjects.OrderCompleted);
    await bed.publishAgain(completed);
    await bed.settled(Subjects.OrderCompleted);

    expect(await bed.passOfOrder(order.id)).toBeUndefined();
    expect(await bed.passesOfTicket(ticket.id)).toEqual([expect.objectContaining({ id: pass.id, status: 'admitted' })]);
    const text = (await request(bed.app()).get('/metrics').expect(200)).text;
    expect(text).toMatch(/passes_resale_conflicts_total\{reason="admitted",service="passes"\} 1\n/);
  });
});

describe('the door and the scanners while a pass is listed', () => {
  it('when a listed pass is scanned, then 409 PASS_LISTED and it is neither admitted nor changed', async () => {
    const { organizer, pass } = await bed.aHeldPass(5_000);
    await listed(pass);
    const before = await bed.passNow(pass.id);

    const response = await request(bed.app())
      .post('/api/passes/scan')
      .set('Cookie', organizer.cookie)
      .send({ code: pass.code })
      .expect(409);

    expect(response.body.errors).toEqual([{ message: expect.any(String), code: 'PASS_LISTED' }]);
    expect(await bed.passNow(pass.id)).toEqual(before);
    expect(await bed.published(Subjects.PassAdmitted)).toEqual([]);
    const text = (await request(bed.app()).get('/metrics').expect(200)).text;
    expect(text).toMatch(/passes_scans_refused_total\{reason="listed",service="passes"\} 1\n/);
  });

  it('when the listing is withdrawn, then the same code is admitted', async () => {
    const { organizer, pass } = await bed.aHeldPass(5_000);
    const { listing } = await listed(pass);
    await moveListing(listing, 1, 'withdrawn');
    await waitFor(async () => (await bed.passNow(pass.id)).status === 'valid');

    const admitted = await scanPass(bed.deps, { code: pass.code, scannerId: organizer.id });

    expect(admitted).toMatchObject({ id: pass.id, status: 'admitted', version: 3 });
  });

  it('when the organizer fetches the revocation list, then listed pass ids are in listed and revoked ones in revoked', async () => {
    const { organizer, event, ticket, pass: first } = await bed.aHeldPass(5_000);
    const second = await bed.buy(ticket.id);
    const other = await bed.buy((await bed.aTicket(event.id)).id);
    await listed(second);
    await listed(other);

    const response = await request(bed.app())
      .get('/api/passes/revocations')
      .query({ eventId: event.id })
      .set('Cookie', organizer.cookie)
      .expect(200);

    expect(response.body).toEqual({ eventId: event.id, revoked: [first.id], listed: [second.id, other.id].sort() });
  });
});
