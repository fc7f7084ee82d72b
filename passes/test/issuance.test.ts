import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { type BatchItem, createEvent, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { OrderCreatedListener } from '../src/events/listeners/order-created.listener';
import { verifyPassCode } from '../src/signing/pass-codes';
import { anOrderCreated, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

describe('issuing a pass on order.completed', () => {
  it('when an order of a ticket of an event completes, then its buyer gets a valid signed pass of generation 1 and pass.issued is published', async () => {
    const event = await bed.anEvent();
    const ticket = await bed.aTicket(event.id);
    const order = anOrderCreated({ ticket: { id: ticket.id, price: 4_500, currency: 'usd' } });
    await bed.publish(Subjects.OrderCreated, order);
    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: ticket.id } });

    const pass = await waitFor(() => bed.passOfOrder(order.id));
    expect(pass).toMatchObject({
      ticketId: ticket.id,
      orderId: order.id,
      eventId: event.id,
      holderId: order.userId,
      generation: 1,
      status: 'valid',
      faceValue: 4_500,
      currency: 'usd',
      version: 0,
    });
    expect(verifyPassCode(bed.keys, pass.code)).toEqual({
      pid: pass.id,
      tid: ticket.id,
      eid: event.id,
      hid: order.userId,
      gen: 1,
      iat: Math.floor(pass.issuedAt.getTime() / 1000),
    });
    const [issued] = await bed.published(Subjects.PassIssued, pass.id);
    expect(issued?.data).toEqual({
      id: pass.id,
      version: 0,
      ticketId: ticket.id,
      orderId: order.id,
      eventId: event.id,
      holderId: order.userId,
      generation: 1,
      faceValue: 4_500,
      currency: 'usd',
      issuedAt: pass.issuedAt.toISOString(),
    });
    expect(await bed.order(order.id)).toMatchObject({ status: 'complete', version: 1 });
  });

  it('when an order is only created (reserved, not paid), then no pass is issued', async () => {
    const ticket = await bed.aTicket(null);
    const order = anOrderCreated({ ticket: { id: ticket.id, price: 1_000 } });
    await bed.publish(Subjects.OrderCreated, order);
    await bed.settled(Subjects.OrderCreated);
    expect(await bed.order(order.id)).toMatchObject({ status: 'created' });
    expect(await bed.passOfOrder(order.id)).toBeUndefined();
    expect(await bed.published(Subjects.PassIssued)).toEqual([]);
  });

  it('when order.completed is delivered again, then the order still has exactly one pass and one pass.issued', async () => {
    const ticket = await bed.aTicket(null);
    const order = anOrderCreated({ ticket: { id: ticket.id, price: 1_000 } });
    await bed.publish(Subjects.OrderCreated, order);
    const completed = await bed.publish(Subjects.OrderCompleted, {
      id: order.id,
      version: 1,
      ticket: { id: ticket.id },
    });
    const pass = await waitFor(() => bed.passOfOrder(order.id));

    await bed.publishAgain(completed);
    await bed.publishAgain(completed);
    await bed.settled(Subjects.OrderCompleted);

    expect(await bed.passesOfTicket(ticket.id)).toEqual([pass]);
    expect(await bed.published(Subjects.PassIssued)).toHaveLength(1);
  });

  it('when order.completed arrives before order.created, then it is retried and the pass is issued once the order is known', async () => {
    const ticket = await bed.aTicket(null);
    const order = anOrderCreated({ ticket: { id: ticket.id, price: 1_000 } });
    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: ticket.id } });
    await waitFor(async () => (await bed.consumer(Subjects.OrderCompleted)).num_redelivered > 0);
    expect(await bed.passOfOrder(order.id)).toBeUndefined();

    await bed.publish(Subjects.OrderCreated, order);

    expect(await waitFor(() => bed.passOfOrder(order.id))).toMatchObject({ holderId: order.userId, generation: 1 });
  });

  it('when the ticket is not known yet, then the pass waits for ticket.created and carries its event', async () => {
    const event = await bed.anEvent();
    const ticketId = randomUUID();
    const order = anOrderCreated({ ticket: { id: ticketId, price: 1_000 } });
    await bed.publish(Subjects.OrderCreated, order);
    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: ticketId } });
    await waitFor(async () => (await bed.consumer(Subjects.OrderCompleted)).num_redelivered > 0);
    expect(await bed.passOfOrder(order.id)).toBeUndefined();

    await bed.publish(Subjects.TicketCreated, {
      id: ticketId,
      version: 0,
      title: 'Front row',
      price: 10,
      userId: randomUUID(),
      eventId: event.id,
    });

    expect(await waitFor(() => bed.passOfOrder(order.id))).toMatchObject({ eventId: event.id });
  });

  it('when a ticket of no event is bought, then its pass has eventId null', async () => {
    const ticket = await bed.aTicket(null);
    const pass = await bed.buy(ticket.id);
    expect(pass).toMatchObject({ eventId: null, status: 'valid' });
    expect(verifyPassCode(bed.keys, pass.code).eid).toBeNull();
  });
});

describe('reissue on resale', () => {
  it('when a ticket with a current pass is bought by someone else, then the old pass is revoked and the new buyer gets generation 2', async () => {
    const event = await bed.anEvent();
    const ticket = await bed.aTicket(event.id);
    const first = await bed.buy(ticket.id, randomUUID(), 4_500);
    const second = await bed.buy(ticket.id, randomUUID(), 5_000);

    const [old, current] = await bed.passesOfTicket(ticket.id);
    expect(current).toEqual(second);
    expect(second).toMatchObject({ generation: 2, status: 'valid', faceValue: 5_000 });
    expect(old).toMatchObject({ id: first.id, generation: 1, status: 'revoked', replacedBy: second.id, version: 1 });
    expect(old?.revokedAt).toBeInstanceOf(Date);

    const [revoked] = await bed.published(Subjects.PassRevoked, first.id);
    expect(revoked?.data).toMatchObject({
      id: first.id,
      version: 1,
      generation: 1,
      holderId: first.holderId,
      eventId: event.id,
      reason: 'reissued',
      replacedBy: second.id,
    });
    // The outbox publishes in order: the revocation before the new pass.
    const subjects =
      (await bed.published(Subjects.PassRevoked)).length + (await bed.published(Subjects.PassIssued)).length;
    expect(subjects).toBe(3);
  });

  it('when a ticket is resold twice, then generations go 1, 2, 3 and only the last is current', async () => {
    const ticket = await bed.aTicket(null);
    await bed.buy(ticket.id);
    await bed.buy(ticket.id);
    const third = await bed.buy(ticket.id);
    const all = await bed.passesOfTicket(ticket.id);
    expect(all.map((pass) => [pass.generation, pass.status])).toEqual([
      [1, 'revoked'],
      [2, 'revoked'],
      [3, 'valid'],
    ]);
    expect(third.generation).toBe(3);
  });
});

describe('order.created', () => {
  it('when orders resyncs a complete order that has no pass, then the replica takes it and the pass is issued, once', async () => {
    const ticket = await bed.aTicket(null);
    const order = anOrderCreated({ status: 'complete', version: 1, ticket: { id: ticket.id, price: 3_000 } });
    const event = createEvent(Subjects.OrderCreated, order, { resync: true });
    await bed.publishAgain(event);
    await bed.publishAgain(event);
    const pass = await waitFor(() => bed.passOfOrder(order.id));
    await bed.settled(Subjects.OrderCreated);
    expect(pass).toMatchObject({ holderId: order.userId, faceValue: 3_000, currency: null });
    expect(await bed.passesOfTicket(ticket.id)).toHaveLength(1);
  });

  it('when order.created events wait together, then one statement stores them all, and a duplicate among them changes nothing', async () => {
    type Apply = (items: readonly BatchItem<typeof Subjects.OrderCreated>[]) => Promise<void>;
    const applyBatch = jest.spyOn(OrderCreatedListener.prototype as unknown as { applyBatch: Apply }, 'applyBatch');
    const known = anOrderCreated();
    const knownEvent = await bed.publish(Subjects.OrderCreated, known);
    await bed.settled(Subjects.OrderCreated);
    const first = anOrderCreated();
    const rest = Array.from({ length: 4 }, () => anOrderCreated());
    await bed.deliverAsGroup('orders', Subjects.OrderCreated, first, 1 + rest.length, async () => {
      await bed.publishAgain(knownEvent);
      for (const order of rest) await bed.publish(Subjects.OrderCreated, order);
    });

    expect(applyBatch.mock.calls.map(([items]) => items.map((item) => item.data.id))).toEqual([
      [known.id, ...rest.map((order) => order.id)],
    ]);
    for (const order of [known, first, ...rest]) {
      expect(await bed.order(order.id)).toMatchObject({ userId: order.userId, ticketId: order.ticket.id });
    }
    expect((await bed.consumer(Subjects.OrderCreated)).num_redelivered).toBe(0);
    applyBatch.mockRestore();
  });

  it('when the payload breaks the contract, then it is terminated rather than retried, and later events still flow', async () => {
    await jetstream(bed.nc).publish(Subjects.OrderCompleted, new TextEncoder().encode('{"not":"an event"}'));
    const ticket = await bed.aTicket(null);
    const pass = await bed.buy(ticket.id);
    expect(pass.generation).toBe(1);
  });
});
