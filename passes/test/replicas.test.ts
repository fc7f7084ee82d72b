import { randomUUID } from 'node:crypto';
import { type BatchItem, type EventCreatedData, Subjects, type TicketCreatedData } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { TicketUpdatedListener } from '../src/events/listeners/ticket-updated.listener';
import { aResaleListing, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const aCatalogEvent = (overrides: Partial<EventCreatedData> = {}): EventCreatedData => ({
  id: randomUUID(),
  version: 0,
  organizerId: randomUUID(),
  name: 'Festival',
  venue: 'Arena',
  city: 'Utrecht',
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  ...overrides,
});

const aTicketCreated = (overrides: Partial<TicketCreatedData> = {}): TicketCreatedData => ({
  id: randomUUID(),
  version: 0,
  title: 'Seat',
  price: 2_000,
  userId: randomUUID(),
  ...overrides,
});

describe('the catalog events replica', () => {
  it('when event.created then event.updated arrive, then the replica holds the latest organizer and start', async () => {
    const created = aCatalogEvent();
    await bed.publish(Subjects.EventCreated, created);
    const organizerId = randomUUID();
    await bed.publish(Subjects.EventUpdated, { ...created, version: 1, organizerId });
    await waitFor(async () => (await bed.event(created.id))?.version === 1);
    expect(await bed.event(created.id)).toEqual({
      id: created.id,
      organizerId,
      startsAt: new Date(created.startsAt),
      version: 1,
    });
  });

  it('when version 2 arrives before version 1, then it waits, and the end state is as in order', async () => {
    const created = aCatalogEvent();
    await bed.publish(Subjects.EventCreated, created);
    await waitFor(() => bed.event(created.id));
    const last = randomUUID();
    await bed.publish(Subjects.EventUpdated, { ...created, version: 2, organizerId: last });
    await waitFor(async () => (await bed.consumer(Subjects.EventUpdated)).num_redelivered > 0);
    expect(await bed.event(created.id)).toMatchObject({ version: 0, organizerId: created.organizerId });

    await bed.publish(Subjects.EventUpdated, { ...created, version: 1, organizerId: randomUUID() });

    await waitFor(async () => (await bed.event(created.id))?.version === 2);
    expect(await bed.event(created.id)).toMatchObject({ organizerId: last });
  });

  it('when an old version is delivered again, then it is acked as a duplicate and changes nothing', async () => {
    const created = aCatalogEvent();
    const first = await bed.publish(Subjects.EventCreated, created);
    const update = await bed.publish(Subjects.EventUpdated, { ...created, version: 1, city: 'Delft' });
    await waitFor(async () => (await bed.event(created.id))?.version === 1);
    await bed.publishAgain(first);
    await bed.publishAgain(update);
    await bed.settled(Subjects.EventCreated);
    await bed.settled(Subjects.EventUpdated);
    expect(await bed.event(created.id)).toMatchObject({ version: 1, organizerId: created.organizerId });
  });
});

describe('the tickets replica', () => {
  it('when ticket.created carries an event, then the replica keeps it; a listing of its own keeps null', async () => {
    const eventId = randomUUID();
    const withEvent = aTicketCreated({ eventId, faceValue: 5_000, seat: { section: 'A', row: '1', seat: '7' } });
    const alone = aTicketCreated();
    await bed.publish(Subjects.TicketCreated, withEvent);
    await bed.publish(Subjects.TicketCreated, alone);
    expect(await waitFor(() => bed.ticket(withEvent.id))).toEqual({
      id: withEvent.id,
      eventId,
      userId: withEvent.userId,
      resaleOfPassId: null,
      status: null,
      version: 0,
    });
    expect(await waitFor(() => bed.ticket(alone.id))).toEqual({
      id: alone.id,
      eventId: null,
      userId: alone.userId,
      resaleOfPassId: null,
      status: null,
      version: 0,
    });
  });

  it('when ticket.updated arrives before ticket.created, then it is retried and applied after it', async () => {
    const created = aTicketCreated();
    const eventId = randomUUID();
    await bed.publish(Subjects.TicketUpdated, { ...created, version: 1, eventId, status: 'available' });
    await waitFor(async () => (await bed.consumer(Subjects.TicketUpdated)).num_redelivered > 0);
    expect(await bed.ticket(created.id)).toBeUndefined();

    await bed.publish(Subjects.TicketCreated, created);

    await waitFor(async () => (await bed.ticket(created.id))?.version === 1);
    expect(await bed.ticket(created.id)).toMatchObject({ eventId });
  });
});

describe('ticket.updated waiting together', () => {
  it('when ticket.updated events wait together, then one statement applies the ordinary next versions; a resale listing and a duplicate go alone', async () => {
    type Apply = (items: readonly BatchItem<typeof Subjects.TicketUpdated>[]) => Promise<void>;
    type Handle = (data: TicketCreatedData) => Promise<void>;
    const { pass } = await bed.aHeldPass(5_000);
    const resale = aResaleListing(pass);
    const [first, a, b] = [aTicketCreated(), aTicketCreated(), aTicketCreated()];
    for (const ticket of [resale, first, a, b]) await bed.publish(Subjects.TicketCreated, ticket);
    await bed.settled(Subjects.TicketCreated);
    expect((await bed.passNow(pass.id)).status).toBe('listed');
    const aReserved = await bed.publish(Subjects.TicketUpdated, { ...a, version: 1, status: 'reserved' });
    await bed.settled(Subjects.TicketUpdated);
    const listener = TicketUpdatedListener.prototype as unknown as { applyBatch: Apply; onMessage: Handle };
    const applyBatch = jest.spyOn(listener, 'applyBatch');
    const onMessage = jest.spyOn(listener, 'onMessage');

    const group = [
      { ...a, version: 2, status: 'available' as const },
      { ...resale, version: 1, status: 'withdrawn' as const }, // unlocks its pass
      { ...b, version: 1, status: 'reserved' as const },
    ];
    await bed.deliverAsGroup(
      'tickets',
      Subjects.TicketUpdated,
      { ...first, version: 1 },
      group.length + 1,
      async () => {
        await bed.publish(Subjects.TicketUpdated, group[0]!);
        await bed.publish(Subjects.TicketUpdated, group[1]!);
        await bed.publishAgain(aReserved); // a duplicate
        await bed.publish(Subjects.TicketUpdated, group[2]!);
      },
    );

    expect(applyBatch.mock.calls.map(([items]) => items.map((item) => `${item.data.id}@${item.data.version}`))).toEqual(
      [[`${a.id}@2`, `${resale.id}@1`, `${a.id}@1`, `${b.id}@1`]],
    );
    // `first` came alone; of the group, only the resale listing and the duplicate needed the versioned path.
    expect(onMessage.mock.calls.map(([data]) => `${data.id}@${data.version}`)).toEqual([
      `${first.id}@1`,
      `${resale.id}@1`,
      `${a.id}@1`,
    ]);
    expect(await bed.ticket(a.id)).toMatchObject({ version: 2, status: 'available' });
    expect(await bed.ticket(b.id)).toMatchObject({ version: 1, status: 'reserved' });
    expect(await bed.ticket(resale.id)).toMatchObject({ version: 1, status: 'withdrawn' });
    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'valid', listingId: null });
    applyBatch.mockRestore();
    onMessage.mockRestore();
  });
});

describe('replica gaps that persist', () => {
  let healing: PassesTestBed;
  beforeAll(async () => {
    healing = await createPassesTestBed({ gapHealMs: 0 });
  });
  afterAll(() => healing?.close());

  it('when a version never comes and the gap has lasted GAP_HEAL_SECONDS, then the newer full state is taken', async () => {
    const created = aCatalogEvent();
    await healing.publish(Subjects.EventCreated, created);
    await waitFor(() => healing.event(created.id));
    const organizerId = randomUUID();
    await healing.publish(Subjects.EventUpdated, { ...created, version: 3, organizerId });
    await waitFor(async () => (await healing.event(created.id))?.version === 3);
    expect(await healing.event(created.id)).toMatchObject({ organizerId });
  });

  it('when the ticket of a completed order never arrives and the gap heals, then the pass is issued without an event', async () => {
    const pass = await healing.buy(randomUUID());
    expect(pass).toMatchObject({ eventId: null, generation: 1 });
  });
});
