import { randomUUID } from 'node:crypto';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { createEvent, type Event, publishEvent, type Subject, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import fc from 'fast-check';
import { type Cluster, startCluster } from './cluster';
import { call } from './http';
import { checkInvariants, expectConsistent, Observer } from './invariants';

const SOAK = process.env.SOAK === '1';
jest.setTimeout(SOAK ? 30 * 60_000 : 180_000);

let cluster: Cluster;
let observer: Observer;
let js: JetStreamClient;
/** Entities published straight to NATS: they exist only in the replicas. */
const foreignIds = new Set<string>();

beforeAll(async () => {
  cluster = await startCluster();
  observer = await Observer.open(cluster);
  js = jetstream(observer.nc);
});

afterAll(async () => {
  await observer?.close();
  await cluster?.stop();
});

/** Printable text: the real publishers never send control characters (the APIs refuse them). */
const title = fc
  .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
  .filter((s) => s.trim() !== '' && !/\p{Cc}/u.test(s));
const cents = fc.integer({ min: 1, max: 100_000_000 });

/** One ticket's history: ticket.created v0, then ticket.updated v1…vn. */
const ticketHistory = fc.record({
  created: fc.record({ title, price: cents }),
  updates: fc.array(fc.record({ title, price: cents, reserved: fc.boolean() }), { minLength: 1, maxLength: 5 }),
});

type TicketHistory = typeof ticketHistory extends fc.Arbitrary<infer T> ? T : never;

/**
 * How the history is delivered: a permutation of its events, where some events are sent again —
 * with the same event id (a relay re-publishing after a crash: the stream's duplicate window
 * drops it) or with a new one (the consumer must recognise the version).
 */
const delivery = (length: number) =>
  fc.record({
    order: fc.shuffledSubarray(
      Array.from({ length }, (_, i) => i),
      { minLength: length, maxLength: length },
    ),
    again: fc.array(fc.record({ index: fc.nat({ max: length - 1 }), sameEventId: fc.boolean() }), { maxLength: 4 }),
  });

const scenario = ticketHistory.chain((history) =>
  fc.record({ history: fc.constant(history), delivery: delivery(history.updates.length + 1) }),
);

function ticketEvents(id: string, userId: string, history: TicketHistory): Event[] {
  return [
    createEvent(Subjects.TicketCreated, { id, version: 0, userId, ...history.created }),
    ...history.updates.map(({ reserved, ...update }, i) =>
      createEvent(Subjects.TicketUpdated, {
        id,
        version: i + 1,
        userId,
        ...update,
        orderId: reserved ? randomUUID() : null,
      }),
    ),
  ];
}

/** The same event again under a new id: what a second, independent publication of the change looks like. */
function republished<S extends Subject>(event: Event<S>): Event<S> {
  return { ...event, eventId: randomUUID() };
}

async function publishAll(events: Event[]) {
  for (const event of events) await publishEvent(js, event);
}

type Replica = { id: string; version: number; title: string; price_cents: number; user_id: string };

describe('events delivered late, early, twice or out of order', () => {
  it("when ticket.updated arrives before its predecessor (or before ticket.created) and some arrive twice, then orders' replica ends exactly as with in-order delivery", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(scenario, { minLength: 12, maxLength: 12 }), async (scenarios) => {
        const twins: [string, string][] = [];
        const shuffled: Event[][] = [];
        const inOrder: Event[][] = [];
        for (const { history, delivery: plan } of scenarios) {
          const userId = randomUUID();
          const [id, twin] = [randomUUID(), randomUUID()];
          twins.push([id, twin]);
          foreignIds.add(id).add(twin);
          const events = ticketEvents(id, userId, history);
          const sequence = plan.order.map((i) => events[i]!);
          for (const { index, sameEventId } of plan.again) {
            const event = events[index]!;
            sequence.splice(index % (sequence.length + 1), 0, sameEventId ? event : republished(event));
          }
          shuffled.push(sequence);
          inOrder.push(ticketEvents(twin, userId, history));
        }
        // Interleaved across tickets, the way a busy stream delivers them.
        const longest = Math.max(...shuffled.map((s) => s.length));
        for (let i = 0; i < longest; i++) {
          await publishAll(shuffled.map((s) => s[i]).filter((e): e is Event => e !== undefined));
        }
        for (const events of inOrder) await publishAll(events);

        const replicaOf = async (ids: string[]) =>
          new Map(
            (
              await observer.rows<Replica>(
                'orders',
                'select id, version, title, price_cents, user_id from tickets where id = any($1)',
                [ids],
              )
            ).map((row) => [row.id, row]),
          );
        const expectedVersion = new Map(twins.map(([id], i) => [id, scenarios[i]!.history.updates.length]));
        // Early events are retried after the listener's nak delay: wait for the last version of each.
        await waitFor(
          async () => {
            const rows = await replicaOf(twins.flat());
            return twins.every(
              ([id, twin]) =>
                rows.get(id)?.version === expectedVersion.get(id) &&
                rows.get(twin)?.version === expectedVersion.get(id),
            );
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        );
        await observer.settle();
        const rows = await replicaOf(twins.flat());
        for (const [id, twin] of twins) {
          const { id: _a, ...shuffledState } = rows.get(id)!;
          const { id: _b, ...inOrderState } = rows.get(twin)!;
          expect(shuffledState).toEqual(inOrderState);
        }
      }),
      { numRuns: SOAK ? 10 : 1, endOnFailure: true },
    );
  });

  it("when order.cancelled or order.completed overtakes order.created and some arrive twice, then payments' replica ends exactly as with in-order delivery", async () => {
    const orderCase = fc.record({
      price: cents,
      end: fc.constantFrom(Subjects.OrderCancelled, Subjects.OrderCompleted),
      endFirst: fc.boolean(),
      duplicates: fc.array(fc.record({ which: fc.nat({ max: 1 }), sameEventId: fc.boolean() }), { maxLength: 3 }),
    });
    const cases = fc.sample(orderCase, { numRuns: SOAK ? 60 : 16 });
    const pairs: [string, string][] = [];
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    for (const { price, end, endFirst, duplicates } of cases) {
      const userId = randomUUID();
      const [id, twin] = [randomUUID(), randomUUID()];
      pairs.push([id, twin]);
      foreignIds.add(id).add(twin);
      const history = (orderId: string): Event[] => {
        const ticket = { id: randomUUID(), price };
        foreignIds.add(ticket.id);
        return [
          createEvent(Subjects.OrderCreated, { id: orderId, version: 0, status: 'created', userId, expiresAt, ticket }),
          createEvent(end, { id: orderId, version: 1, ticket: { id: ticket.id } }),
        ];
      };
      const events = history(id);
      const sequence = endFirst ? [events[1]!, events[0]!] : [...events];
      for (const { which, sameEventId } of duplicates) {
        sequence.push(sameEventId ? events[which]! : republished(events[which]!));
      }
      await publishAll(sequence);
      await publishAll(history(twin));
    }
    type Row = { id: string; status: string; version: number; price_cents: number; user_id: string };
    const rowsOf = async () =>
      new Map(
        (await observer.rows<Row>('payments', 'select id, status, version, price_cents, user_id from orders')).map(
          (row) => [row.id, row],
        ),
      );
    await waitFor(
      async () => {
        const rows = await rowsOf();
        return pairs.every(([id, twin]) => rows.get(id)?.version === 1 && rows.get(twin)?.version === 1);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await observer.settle();
    const rows = await rowsOf();
    for (const [i, [id, twin]] of pairs.entries()) {
      const { id: _a, ...shuffledState } = rows.get(id)!;
      const { id: _b, ...inOrderState } = rows.get(twin)!;
      expect(shuffledState).toEqual(inOrderState);
      expect(shuffledState.status).toBe(cases[i]!.end === Subjects.OrderCancelled ? 'cancelled' : 'complete');
    }
  });

  it('when the real events of a paid order and of a cancelled order are delivered again, then nothing changes and no service announces anything new', async () => {
    const seller = cluster.cookieFor();
    const buyer = cluster.cookieFor();
    const listed = async () => {
      const ticket = await call(cluster.url('tickets'), 'POST', '/api/tickets', {
        cookie: seller,
        json: { title: 'Replayed', price: 30 },
      });
      expect(ticket.status).toBe(201);
      return waitFor(async () => {
        const order = await call(cluster.url('orders'), 'POST', '/api/orders', {
          cookie: buyer,
          json: { ticketId: ticket.body.id },
        });
        return order.status === 201 ? (order.body.id as string) : false;
      });
    };
    const paidOrder = await listed();
    await waitFor(async () => {
      const paid = await call(cluster.url('payments'), 'POST', '/api/payments', {
        cookie: buyer,
        json: { orderId: paidOrder, token: 'tok_visa' },
      });
      return paid.status === 201;
    });
    const cancelledOrder = await listed();
    await observer.settle();
    expect(
      (await call(cluster.url('orders'), 'DELETE', `/api/orders/${cancelledOrder}`, { cookie: buyer })).status,
    ).toBe(204);
    await expectConsistent(observer, { ordersFinal: false, foreignIds });

    const business = async () =>
      Promise.all([
        observer.rows('tickets', 'select * from tickets order by id'),
        observer.rows('orders', 'select * from orders order by id'),
        observer.rows('orders', 'select * from tickets order by id'),
        observer.rows('payments', 'select * from orders order by id'),
        observer.rows('payments', 'select * from payments order by id'),
      ]);
    const before = await business();
    const orderIds = new Set([paidOrder, cancelledOrder]);
    const ticketIds = new Set(
      (
        await observer.rows<{ ticket_id: string }>('orders', 'select ticket_id from orders where id = any($1)', [
          [...orderIds],
        ])
      ).map((row) => row.ticket_id),
    );
    const history = (await observer.streamEvents()).filter(({ subject, data }) =>
      subject.startsWith('ticket.')
        ? ticketIds.has(String(data.id))
        : subject.startsWith('order.')
          ? orderIds.has(String(data.id))
          : subject === 'payment.created' && orderIds.has(String(data.orderId)),
    );
    expect(history.map((event) => event.subject).sort()).toEqual(
      [
        ...['ticket.created', 'ticket.updated', 'ticket.updated'], // listed, reserved, sold
        ...['order.created', 'payment.created', 'order.completed'],
        ...['ticket.created', 'ticket.updated', 'ticket.updated'], // listed, reserved, released
        ...['order.created', 'order.cancelled'],
      ].sort(),
    );
    const { last_seq: lastBefore } = (await observer.jsm.streams.info('TICKETING')).state;

    // Every event of both orders and their tickets, again: once under its own id (dropped by the
    // stream's duplicate window) and once under a new id (the consumers must see through it).
    let dropped = 0;
    for (const { subject, eventId, data } of history) {
      const event = { subject, eventId, occurredAt: new Date().toISOString(), correlationId: 'replay', data } as Event;
      if ((await publishEvent(js, event)).duplicate) dropped += 1;
      await publishEvent(js, republished(event));
    }
    // The expiration timer may run again too (a job retried after a crash): both orders have ended.
    for (const orderId of [paidOrder, cancelledOrder]) {
      await publishEvent(js, createEvent(Subjects.ExpirationComplete, { orderId }));
    }
    expect(dropped).toBe(history.length);
    await observer.settle();

    expect(await business()).toEqual(before);
    const { last_seq: lastAfter } = (await observer.jsm.streams.info('TICKETING')).state;
    expect(lastAfter - lastBefore).toBe(history.length + 2);
    expect(await checkInvariants(observer, { ordersFinal: false, foreignIds })).toEqual([]);
  });

  it("when order A was cancelled and B reserved the ticket, then A's order.created delivered late leaves the ticket with B, even where tickets had not handled A's cancellation", async () => {
    const seller = cluster.cookieFor();
    const ticket = await call(cluster.url('tickets'), 'POST', '/api/tickets', {
      cookie: seller,
      json: { title: 'Late reservation', price: 40 },
    });
    expect(ticket.status).toBe(201);
    const reserve = (buyer: string) =>
      waitFor(async () => {
        const order = await call(cluster.url('orders'), 'POST', '/api/orders', {
          cookie: buyer,
          json: { ticketId: ticket.body.id },
        });
        return order.status === 201 ? (order.body.id as string) : false;
      });
    const buyerA = cluster.cookieFor();
    const orderA = await reserve(buyerA);
    await observer.settle();
    expect((await call(cluster.url('orders'), 'DELETE', `/api/orders/${orderA}`, { cookie: buyerA })).status).toBe(204);
    const orderB = await reserve(cluster.cookieFor());
    await observer.settle();

    // As a second tickets replica that has not applied A's cancellation yet would receive it:
    // tickets forgets that it saw the cancellation, then A's order.created comes again.
    await observer.db.tickets.query('delete from cancelled_orders where order_id = $1', [orderA]);
    const late = (await observer.streamEvents()).find(
      (event) => event.subject === 'order.created' && event.data.id === orderA,
    );
    if (!late) throw new Error(`order.created of ${orderA} is not on the stream`);
    await publishEvent(
      js,
      republished({
        subject: 'order.created',
        eventId: late.eventId,
        occurredAt: new Date().toISOString(),
        correlationId: 'late',
        data: late.data,
      } as Event),
    );
    await observer.settle();

    const [held] = await observer.rows<{ order_id: string }>('tickets', 'select order_id from tickets where id = $1', [
      ticket.body.id,
    ]);
    expect(held?.order_id).toBe(orderB);
    expect(await checkInvariants(observer, { ordersFinal: false, foreignIds })).toEqual([]);
  });

  it('the invariant checker is not vacuous: a replica behind its source and a ticket reserved without an order are reported', async () => {
    expect(await checkInvariants(observer, { ordersFinal: false, foreignIds })).toEqual([]);
    const [order] = await observer.rows<{ id: string }>('orders', 'select id from orders limit 1');
    const [ticket] = await observer.rows<{ id: string }>(
      'tickets',
      'select id from tickets where order_id is null limit 1',
    );
    const ghost = randomUUID();
    await observer.db.payments.query('update orders set version = version + 7 where id = $1', [order!.id]);
    await observer.db.tickets.query('update tickets set order_id = $2 where id = $1', [ticket!.id, ghost]);
    const broken = await checkInvariants(observer, { ordersFinal: false, foreignIds });
    await observer.db.payments.query('update orders set version = version - 7 where id = $1', [order!.id]);
    await observer.db.tickets.query('update tickets set order_id = null where id = $1', [ticket!.id]);
    expect(broken).toEqual([
      `ticket ${ticket!.id} is reserved (order ${ghost}) without an active order`,
      expect.stringContaining(`order ${order!.id}: payments' replica is v`),
    ]);
    expect(await checkInvariants(observer, { ordersFinal: false, foreignIds })).toEqual([]);
  });

  it('the invariant checker reports an orders replica that disagrees with tickets on whether a ticket is withdrawn', async () => {
    const [ticket] = await observer.rows<{ id: string }>(
      'tickets',
      'select id from tickets where order_id is null and sold_at is null limit 1',
    );
    await observer.db.orders.query('update tickets set withdrawn = true where id = $1', [ticket!.id]);
    const broken = await checkInvariants(observer, { ordersFinal: false, foreignIds });
    await observer.db.orders.query('update tickets set withdrawn = false where id = $1', [ticket!.id]);
    expect(broken).toEqual([
      expect.stringMatching(new RegExp(`^ticket ${ticket!.id}: orders' replica is v\\d+ .* withdrawn, tickets has`)),
    ]);
    expect(await checkInvariants(observer, { ordersFinal: false, foreignIds })).toEqual([]);
  });
});
