import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { events, outbox } from '../src/db/schema';
import type { CatalogEvent } from '../src/domain/event';
import { resyncTickets } from '../src/domain/resync';
import { aTicket, aUser, createTicketsTestBed, orderEvents, type TestUser, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

interface Page {
  events: CatalogEvent[];
  nextCursor: string | null;
}

async function anEvent(
  fields: Partial<{ name: string; venue: string; city: string; startsAt: string; category: string }> = {},
  organizer: TestUser = aUser(),
): Promise<CatalogEvent & { organizer: TestUser }> {
  const response = await request(bed.app())
    .post('/api/events')
    .set('Cookie', organizer.cookie)
    .send({ name: 'Jazz night', venue: 'Blue Hall', city: 'Lyon', startsAt: inDays(10), ...fields })
    .expect(201);
  return { ...(response.body as CatalogEvent), organizer };
}

/** Inserts events straight into the table: `count` of them, several sharing one startsAt. */
async function seedEvents(count: number, { sharing = 3 } = {}) {
  const base = Date.now() + 86_400_000;
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    organizerId: randomUUID(),
    name: `Show ${i}`,
    venue: 'Arena',
    city: 'Paris',
    startsAt: new Date(base + Math.floor(i / sharing) * 60_000),
  }));
  await bed.db.insert(events).values(rows);
  return rows;
}

async function list(query: Record<string, string> = {}): Promise<Page> {
  const response = await request(bed.app()).get('/api/events').query(query).expect(200);
  return response.body as Page;
}

async function allPages(query: Record<string, string>): Promise<{ pages: Page[]; ids: string[] }> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(cursor ? { ...query, cursor } : query);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return { pages, ids: pages.flatMap((page) => page.events.map((event) => event.id)) };
}

function listTicket(seller: TestUser, body: Record<string, unknown>) {
  return request(bed.app()).post('/api/tickets').set('Cookie', seller.cookie).send(body);
}

describe('POST /api/events', () => {
  it('when a signed-in user adds an event, then it answers 201, they are its organizer and event.created version 0 is published', async () => {
    const organizer = aUser();
    const startsAt = '2030-06-01T20:00:00+02:00';
    const response = await request(bed.app())
      .post('/api/events')
      .set('Cookie', organizer.cookie)
      .set('X-Request-Id', 'req-event-1')
      .send({ name: ' Jazz night ', venue: 'Blue Hall', city: 'Lyon', startsAt, category: 'concert' })
      .expect(201);

    expect(response.body).toEqual({
      id: expect.stringMatching(UUID),
      organizerId: organizer.id,
      name: 'Jazz night',
      venue: 'Blue Hall',
      city: 'Lyon',
      startsAt: '2030-06-01T18:00:00.000Z',
      category: 'concert',
      version: 0,
      availableListings: 0,
      lowestPrice: null,
      currency: 'usd',
    });
    const [row] = await bed.db.select().from(events).where(eq(events.id, response.body.id));
    expect(row).toMatchObject({ organizerId: organizer.id, version: 0, category: 'concert' });
    const [event] = await bed.eventsAbout(response.body.id);
    expect(event).toMatchObject({
      subject: Subjects.EventCreated,
      correlationId: 'req-event-1',
      data: {
        id: response.body.id,
        version: 0,
        organizerId: organizer.id,
        name: 'Jazz night',
        venue: 'Blue Hall',
        city: 'Lyon',
        startsAt: '2030-06-01T18:00:00.000Z',
        category: 'concert',
      },
    });
  });

  it('when the category is left out, then the event has none (null)', async () => {
    const event = await anEvent();
    expect(event.category).toBeNull();
  });

  it('when nobody is signed in, then it answers 401 and stores nothing', async () => {
    const response = await request(bed.app())
      .post('/api/events')
      .send({ name: 'X', venue: 'Y', city: 'Z', startsAt: inDays(1) })
      .expect(401);
    expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }] });
    expect(await bed.db.select().from(events)).toEqual([]);
  });

  it('when startsAt is in the past, then it answers 400 EVENT_START_IN_PAST and stores nothing', async () => {
    const response = await request(bed.app())
      .post('/api/events')
      .set('Cookie', aUser().cookie)
      .send({ name: 'X', venue: 'Y', city: 'Z', startsAt: new Date(Date.now() - 60_000).toISOString() })
      .expect(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Starts at must be in the future', code: 'EVENT_START_IN_PAST', field: 'startsAt' }],
    });
    expect(await bed.db.select().from(events)).toEqual([]);
    expect(await bed.db.select().from(outbox)).toEqual([]);
  });

  it.each([
    [{ startsAt: '2030-06-01' }, 'startsAt'],
    [{ startsAt: '2030-06-01T20:00:00' }, 'startsAt'],
    [{ startsAt: 'tomorrow' }, 'startsAt'],
    [{ startsAt: 1_900_000_000_000 }, 'startsAt'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ venue: 42 }, 'venue'],
    [{ city: '' }, 'city'],
    [{ category: 'a\u0000b' }, 'category'],
    [{ organizerId: randomUUID() }, 'organizerId'],
  ])('when the body has %j, then it answers 400 VALIDATION_FAILED on %s', async (change, field) => {
    const response = await request(bed.app())
      .post('/api/events')
      .set('Cookie', aUser().cookie)
      .send({ name: 'X', venue: 'Y', city: 'Z', startsAt: inDays(1), ...change })
      .expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field })]);
    expect(await bed.db.select().from(events)).toEqual([]);
  });

  it('when a field is missing, then each missing one is named', async () => {
    const response = await request(bed.app()).post('/api/events').set('Cookie', aUser().cookie).send({}).expect(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'city',
      'name',
      'startsAt',
      'venue',
    ]);
  });
});

describe('PUT /api/events/:id', () => {
  const edit = { name: 'Jazz night II', venue: 'Red Hall', city: 'Lille', startsAt: '2031-01-02T03:04:05.678Z' };

  it('when the organizer edits it, then it answers 200 with version 1 and event.updated is published', async () => {
    const event = await anEvent({ category: 'concert' });
    const response = await request(bed.app())
      .put(`/api/events/${event.id}`)
      .set('Cookie', event.organizer.cookie)
      .set('X-Request-Id', 'req-event-edit')
      .send(edit)
      .expect(200);
    expect(response.body).toEqual({ ...event, ...edit, organizer: undefined, category: null, version: 1 });
    const published = await bed.eventsAbout(event.id, 2);
    expect(published.map((e) => [e.subject, e.data.version])).toEqual([
      [Subjects.EventCreated, 0],
      [Subjects.EventUpdated, 1],
    ]);
    expect(published[1]).toMatchObject({ correlationId: 'req-event-edit', data: { ...edit, category: null } });
  });

  it('when two edits race, then each is a version of its own, published in order', async () => {
    const event = await anEvent();
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        request(bed.app())
          .put(`/api/events/${event.id}`)
          .set('Cookie', event.organizer.cookie)
          .send({ ...edit, name: `Edit ${n}` })
          .expect(200),
      ),
    );
    const published = await bed.eventsAbout(event.id, 5);
    expect(published.map((e) => e.data.version)).toEqual([0, 1, 2, 3, 4]);
    const [row] = await bed.db.select().from(events).where(eq(events.id, event.id));
    expect(row?.version).toBe(4);
    expect(row?.name).toBe(published[4]?.data.name);
  });

  it('when someone else edits it, then it answers 401 EVENT_NOT_ORGANIZER and nothing changes', async () => {
    const event = await anEvent();
    const response = await request(bed.app())
      .put(`/api/events/${event.id}`)
      .set('Cookie', aUser().cookie)
      .send(edit)
      .expect(401);
    expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'EVENT_NOT_ORGANIZER' }] });
    const [row] = await bed.db.select().from(events).where(eq(events.id, event.id));
    expect(row?.version).toBe(0);
  });

  it('when signed out, then 401 NOT_AUTHORIZED; an unknown event 404 EVENT_NOT_FOUND; a bad id or a past start 400', async () => {
    const event = await anEvent();
    await request(bed.app()).put(`/api/events/${event.id}`).send(edit).expect(401);
    const missing = await request(bed.app())
      .put(`/api/events/${randomUUID()}`)
      .set('Cookie', aUser().cookie)
      .send(edit)
      .expect(404);
    expect(missing.body).toEqual({ errors: [{ message: 'Event not found', code: 'EVENT_NOT_FOUND' }] });
    const badId = await request(bed.app()).put('/api/events/nope').set('Cookie', event.organizer.cookie).send(edit);
    expect(badId.status).toBe(400);
    const past = await request(bed.app())
      .put(`/api/events/${event.id}`)
      .set('Cookie', event.organizer.cookie)
      .send({ ...edit, startsAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body.errors[0].code).toBe('EVENT_START_IN_PAST');
  });
});

describe('GET /api/events/:id', () => {
  it('when the event has tickets, then it shows those on sale, cheapest first, with their seats', async () => {
    const event = await anEvent();
    const seller = aUser();
    const cheap = await listTicket(seller, {
      title: 'Cheap',
      price: 30,
      eventId: event.id,
      faceValue: 25,
      seat: { section: 'B', row: 'F', seat: '12' },
    }).expect(201);
    const dear = await listTicket(seller, { title: 'Dear', price: 80, eventId: event.id }).expect(201);
    const reserved = await listTicket(seller, { title: 'Held', price: 10, eventId: event.id }).expect(201);
    await aTicket(bed, { title: 'Elsewhere', price: 5 });
    await bed.startListeners();
    await bed.handled(Subjects.OrderCreated, await bed.publish(orderEvents.created(reserved.body)));

    const response = await request(bed.app()).get(`/api/events/${event.id}`).expect(200);
    expect(response.body).toMatchObject({ id: event.id, availableListings: 2, lowestPrice: 30 });
    expect(response.body.listings).toEqual([cheap.body, dear.body]);
    expect(response.body.listings[0].seat).toEqual({ section: 'B', row: 'F', seat: '12' });
  });

  it('when there is no such event, then 404 EVENT_NOT_FOUND; a malformed id 400', async () => {
    const response = await request(bed.app()).get(`/api/events/${randomUUID()}`).expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Event not found', code: 'EVENT_NOT_FOUND' }] });
    const bad = await request(bed.app()).get('/api/events/42').expect(400);
    expect(bad.body.errors[0].code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/events', () => {
  it('when nothing is in the catalog, then an empty page', async () => {
    await expect(list()).resolves.toEqual({ events: [], nextCursor: null });
  });

  it('when pages are read with ties on startsAt, then every event appears exactly once, soonest first', async () => {
    const rows = await seedEvents(23, { sharing: 4 });
    const { pages, ids } = await allPages({ limit: '5' });
    expect(pages.map((page) => page.events.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(new Set(ids).size).toBe(23);
    const expected = [...rows]
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id))
      .map((row) => row.id);
    expect(ids).toEqual(expected);
  });

  it('when no limit is given, then 20 a page', async () => {
    await seedEvents(21);
    const page = await list();
    expect(page.events).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('filters by q (name, venue or city, any case), city, category and the startsAt range', async () => {
    const jazz = await anEvent({ name: 'Jazz Night', city: 'Lyon', category: 'Concert', startsAt: inDays(5) });
    const match = await anEvent({
      name: 'Derby',
      venue: 'Stade',
      city: 'Paris',
      category: 'football',
      startsAt: inDays(20),
    });
    const hall = await anEvent({ name: 'Opera', venue: 'Jazz_Hall', city: 'Nice', startsAt: inDays(30) });
    const ids = async (query: Record<string, string>) => (await list(query)).events.map((event) => event.id);

    expect(await ids({ q: 'jazz' })).toEqual([jazz.id, hall.id]);
    expect(await ids({ q: 'PARIS' })).toEqual([match.id]);
    expect(await ids({ q: 'z_h' })).toEqual([hall.id]);
    expect(await ids({ q: '%' })).toEqual([]);
    expect(await ids({ city: 'lyon' })).toEqual([jazz.id]);
    expect(await ids({ category: 'CONCERT' })).toEqual([jazz.id]);
    expect(await ids({ from: inDays(10) })).toEqual([match.id, hall.id]);
    expect(await ids({ to: inDays(25) })).toEqual([jazz.id, match.id]);
    expect(await ids({ from: inDays(10), to: inDays(25) })).toEqual([match.id]);
    expect(await ids({ from: match.startsAt, to: match.startsAt })).toEqual([match.id]);
    expect(await ids({ q: 'jazz', city: 'nice' })).toEqual([hall.id]);
  });

  it('counts the tickets on sale and their lowest price, following reservations, releases, sales and withdrawals', async () => {
    const event = await anEvent();
    const seller = aUser();
    const a = (await listTicket(seller, { title: 'A', price: 40, eventId: event.id }).expect(201)).body;
    const b = (await listTicket(seller, { title: 'B', price: 25.5, eventId: event.id }).expect(201)).body;
    const summary = async () => (await list()).events[0];
    expect(await summary()).toMatchObject({ availableListings: 2, lowestPrice: 25.5 });

    await bed.startListeners();
    const orderId = randomUUID();
    await bed.handled(Subjects.OrderCreated, await bed.publish(orderEvents.created(b, orderId)));
    expect(await summary()).toMatchObject({ availableListings: 1, lowestPrice: 40 });

    await bed.handled(Subjects.OrderCancelled, await bed.publish(orderEvents.cancelled(b, orderId)));
    expect(await summary()).toMatchObject({ availableListings: 2, lowestPrice: 25.5 });

    await bed.handled(Subjects.OrderCompleted, await bed.publish(orderEvents.completed(b, orderId)));
    expect(await summary()).toMatchObject({ availableListings: 1, lowestPrice: 40 });

    await request(bed.app()).post(`/api/tickets/${a.id}/withdraw`).set('Cookie', seller.cookie).expect(200);
    expect(await summary()).toMatchObject({ availableListings: 0, lowestPrice: null });
  });

  it('when sorted by price, then the cheapest lowest price first, events with nothing on sale last, across pages', async () => {
    const seller = aUser();
    const unpriced = await seedEvents(4, { sharing: 2 });
    const priced = [await anEvent({ name: 'P1' }), await anEvent({ name: 'P2' }), await anEvent({ name: 'P3' })];
    const prices = [30, 10, 30];
    for (const [i, event] of priced.entries()) {
      await listTicket(seller, { title: 't', price: prices[i], eventId: event.id }).expect(201);
      await listTicket(seller, { title: 't', price: 99, eventId: event.id }).expect(201);
    }
    const { pages, ids } = await allPages({ sort: 'price', limit: '2' });
    expect(pages).toHaveLength(4);
    const tied = [priced[0]!, priced[2]!].sort(
      (x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt) || x.id.localeCompare(y.id),
    );
    const rest = [...unpriced]
      .sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime() || x.id.localeCompare(y.id))
      .map((row) => row.id);
    expect(ids).toEqual([priced[1]!.id, ...tied.map((event) => event.id), ...rest]);
    expect(pages.flatMap((page) => page.events.map((event) => event.lowestPrice))).toEqual([
      10,
      30,
      30,
      null,
      null,
      null,
      null,
    ]);
  });

  it.each([
    [{ sort: 'name' }, 'sort', 'VALIDATION_FAILED'],
    [{ limit: '0' }, 'limit', 'VALIDATION_FAILED'],
    [{ limit: '101' }, 'limit', 'VALIDATION_FAILED'],
    [{ limit: 'ten' }, 'limit', 'VALIDATION_FAILED'],
    [{ from: 'yesterday' }, 'from', 'VALIDATION_FAILED'],
    [{ to: '2030-01-01' }, 'to', 'VALIDATION_FAILED'],
    [{ from: '2030-02-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'to', 'EVENT_RANGE_INVALID'],
    [{ cursor: 'garbage' }, 'cursor', 'VALIDATION_FAILED'],
    [{ city: ['a', 'b'] }, 'city', 'VALIDATION_FAILED'],
    [{ venue: 'x' }, 'venue', 'VALIDATION_FAILED'],
  ])('when the query has %j, then it answers 400 on %s with %s', async (query, field, code) => {
    const response = await request(bed.app()).get('/api/events').query(query).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field, code })]);
  });

  it.each<Record<string, string>>([
    { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999+14:00' },
    { q: "\\%_'; drop table events; --" },
    { q: '   ', city: ' ', category: '' },
    { limit: '+7' },
  ])('when the query is %j, then it answers 200, never a 5xx', async (query) => {
    await seedEvents(2);
    const page = await list(query);
    expect(Array.isArray(page.events)).toBe(true);
  });

  it('when the catalog is read, then PostgreSQL reads events by (starts_at, id) and counts tickets from the partial index of an event’s tickets on sale', async () => {
    const [row] = await seedEvents(1);
    const plan = await bed.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const result = await tx.execute(
        sql.raw(`explain select e.id, l.n, l.lowest from events e
                 cross join lateral (
                   select count(*)::int as n, min(t.price_cents) as lowest from tickets t
                   where t.event_id = e.id and t.event_id is not null and t.order_id is null
                     and t.sold_at is null and t.withdrawn_at is null and (t.resale_lock is null or t.resale_lock = 'locked')
                 ) l
                 where (e.starts_at, e.id) > ('${row!.startsAt.toISOString()}'::timestamptz, '${randomUUID()}'::uuid)
                 order by e.starts_at, e.id limit 21`),
      );
      return (result as unknown as { rows: { 'QUERY PLAN': string }[] }).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('events_starts_at_idx');
    expect(plan).toContain('tickets_event_available_idx');
  });

  it.each([
    ['a price beyond any ticket’s', { s: 'price', t: '2030-01-01T00:00:00.000Z', id: randomUUID(), p: 3_000_000_000 }],
    ['a non-canonical instant', { s: 'startsAt', t: '2030-02-30T00:00:00.000Z', id: randomUUID(), p: null }],
    ['a price with sort=startsAt', { s: 'startsAt', t: '2030-01-01T00:00:00.000Z', id: randomUUID(), p: 100 }],
  ])('when a crafted cursor holds %s, then it answers 400, not a 5xx', async (_what, payload) => {
    const cursor = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const response = await request(bed.app()).get('/api/events').query({ sort: payload.s, cursor }).expect(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'cursor', code: 'VALIDATION_FAILED' });
  });

  it('when a cursor of one sort is used with the other, then it answers 400 rather than a wrong page', async () => {
    await seedEvents(3);
    const { nextCursor } = await list({ limit: '1' });
    const response = await request(bed.app())
      .get('/api/events')
      .query({ sort: 'price', cursor: nextCursor! })
      .expect(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'cursor', code: 'VALIDATION_FAILED' });
  });
});

describe('resync (after a restore)', () => {
  it('when tickets resyncs, then each catalog event is republished as a resync event.updated of its current version, and each ticket as before', async () => {
    const event = await anEvent();
    await request(bed.app())
      .put(`/api/events/${event.id}`)
      .set('Cookie', event.organizer.cookie)
      .send({ name: 'Renamed', venue: 'Blue Hall', city: 'Lyon', startsAt: event.startsAt })
      .expect(200);
    const ticket = await aTicket(bed);
    await bed.eventsAbout(ticket.id);

    await expect(resyncTickets(bed.store, 'resync-test')).resolves.toBe(2);
    const published = await bed.eventsAbout(event.id, 3);
    expect(published[2]).toMatchObject({
      subject: Subjects.EventUpdated,
      correlationId: 'resync-test',
      resync: true,
      data: { id: event.id, version: 1, name: 'Renamed' },
    });
    const ticketEvents = await bed.eventsAbout(ticket.id, 2);
    expect(ticketEvents[1]).toMatchObject({ subject: Subjects.TicketUpdated, resync: true });
  });
});

describe('tickets of an event', () => {
  it('when a ticket names an event, a face value and a seat, then the ticket, its row and ticket.created carry them', async () => {
    const event = await anEvent();
    const seller = aUser();
    const response = await listTicket(seller, {
      title: 'Front row',
      price: 50,
      eventId: event.id,
      faceValue: 45,
      seat: { section: ' A ', row: '1', seat: '7' },
    }).expect(201);
    expect(response.body).toMatchObject({
      eventId: event.id,
      faceValue: 45,
      seat: { section: 'A', row: '1', seat: '7' },
    });
    const row = await bed.ticketRow(response.body.id);
    expect(row).toMatchObject({
      eventId: event.id,
      faceValueCents: 4500,
      seatSection: 'A',
      seatRow: '1',
      seatNumber: '7',
    });
    const [created] = await bed.eventsAbout(response.body.id);
    expect(created?.data).toMatchObject({
      eventId: event.id,
      faceValue: 4500,
      seat: { section: 'A', row: '1', seat: '7' },
    });
  });

  it('when the event does not exist, then it answers 404 EVENT_NOT_FOUND and lists nothing', async () => {
    const response = await listTicket(aUser(), { title: 'x', price: 10, eventId: randomUUID() }).expect(404);
    expect(response.body).toEqual({ errors: [{ message: 'Event not found', code: 'EVENT_NOT_FOUND' }] });
    expect(await bed.db.select().from(outbox)).toEqual([]);
  });

  it.each([
    [{ eventId: 'nope' }, 'eventId'],
    [{ faceValue: 0 }, 'faceValue'],
    [{ faceValue: 12.345 }, 'faceValue'],
    [{ faceValue: '1000' }, 'faceValue'],
    [{ faceValue: 1_000_001 }, 'faceValue'],
    [{ seat: { section: 'A', row: '1' } }, 'seat.seat'],
    [{ seat: { section: ' ', row: '1', seat: '2' } }, 'seat.section'],
    [{ seat: { section: 'A', row: 'x'.repeat(21), seat: '2' } }, 'seat.row'],
    [{ seat: { section: 'A', row: '1', seat: '2', gate: '3' } }, 'seat.gate'],
    [{ seat: 'A1' }, 'seat'],
  ])('when the listing has %j, then it answers 400 VALIDATION_FAILED on %s', async (change, field) => {
    const response = await listTicket(aUser(), { title: 'x', price: 10, ...change }).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field })]);
  });

  it('when an edit leaves the new fields out, then they are kept; null clears them; a new event is checked', async () => {
    const [first, second] = [await anEvent(), await anEvent()];
    const seller = aUser();
    const ticket = (
      await listTicket(seller, {
        title: 'x',
        price: 10,
        eventId: first.id,
        faceValue: 9,
        seat: { section: 'A', row: '1', seat: '2' },
      }).expect(201)
    ).body;
    const put = (body: Record<string, unknown>) =>
      request(bed.app()).put(`/api/tickets/${ticket.id}`).set('Cookie', seller.cookie).send(body);

    const kept = await put({ title: 'y', price: 11 }).expect(200);
    expect(kept.body).toMatchObject({ title: 'y', eventId: first.id, faceValue: 9, seat: { seat: '2' }, version: 1 });
    const moved = await put({ title: 'y', price: 11, eventId: second.id, seat: null }).expect(200);
    expect(moved.body).toMatchObject({ eventId: second.id, faceValue: 9, seat: null, version: 2 });
    const missing = await put({ title: 'y', price: 11, eventId: randomUUID() }).expect(404);
    expect(missing.body.errors[0].code).toBe('EVENT_NOT_FOUND');
    const cleared = await put({ title: 'y', price: 11, eventId: null, faceValue: null }).expect(200);
    expect(cleared.body).toMatchObject({ eventId: null, faceValue: null, seat: null, version: 3 });

    const updates = await bed.eventsAbout(ticket.id, 4);
    expect(updates.map((e) => [e.data.version, e.data.eventId, e.data.faceValue, e.data.seat])).toEqual([
      [0, first.id, 900, { section: 'A', row: '1', seat: '2' }],
      [1, first.id, 900, { section: 'A', row: '1', seat: '2' }],
      [2, second.id, 900, null],
      [3, null, null, null],
    ]);
    await waitFor(async () => (await bed.db.select().from(outbox)).every((row) => row.publishedAt !== null));
  });

  it('when a ticket is listed as before ({ title, price }), then it answers 201 with the three fields null, and so does ticket.created', async () => {
    const response = await listTicket(aUser(), { title: 'Plain', price: 20 }).expect(201);
    expect(response.body).toMatchObject({ title: 'Plain', price: 20, eventId: null, faceValue: null, seat: null });
    const [created] = await bed.eventsAbout(response.body.id);
    expect(created?.data).toMatchObject({ eventId: null, faceValue: null, seat: null });
  });
});
