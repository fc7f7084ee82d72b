import { randomUUID } from 'node:crypto';
import { type BatchItem, durableName, STREAM_NAME, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { cancelledOrders, processedEvents } from '../src/db/schema';
import { OrderCreatedListener } from '../src/events/listeners/order-created.listener';
import { aTicket, createTicketsTestBed, orderEvents, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
  await bed.startListeners();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

/** Publishes the event and waits until its consumer acknowledged it (its transaction committed). */
async function deliver(event: Parameters<TicketsTestBed['publish']>[0]) {
  const seq = await bed.publish(event);
  await bed.handled(event.subject, seq);
}

async function listedIds(): Promise<string[]> {
  const response = await request(bed.app()).get('/api/tickets').expect(200);
  return response.body.tickets.map((ticket: { id: string }) => ticket.id);
}

describe('order.created', () => {
  it('when an order is created for a ticket, then the ticket is reserved as version 1 and ticket.updated carries the order', async () => {
    const ticket = await aTicket(bed, { price: 30 });
    const event = orderEvents.created(ticket);
    await bed.publish(event);

    const row = await waitFor(async () => {
      const current = await bed.ticketRow(ticket.id);
      return current?.orderId ? current : undefined;
    });
    expect(row).toMatchObject({ orderId: event.data.id, version: 1, soldAt: null });
    const events = await bed.eventsAbout(ticket.id, 2);
    expect(events[1]).toMatchObject({
      subject: Subjects.TicketUpdated,
      correlationId: event.correlationId,
      data: {
        id: ticket.id,
        version: 1,
        price: 3000,
        title: 'Concert',
        userId: ticket.seller.id,
        orderId: event.data.id,
      },
    });
    expect(await listedIds()).not.toContain(ticket.id);
  });

  it('when the same order.created is delivered twice, then it has one effect', async () => {
    const ticket = await aTicket(bed);
    const event = orderEvents.created(ticket);
    await deliver(event);
    const again = await bed.republish(event);
    await bed.handled(Subjects.OrderCreated, again);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: event.data.id, version: 1 });
    const updates = (await bed.outboxAbout(ticket.id)).filter((e) => e.subject === Subjects.TicketUpdated);
    expect(updates).toHaveLength(1);
    const processed = await bed.db
      .select()
      .from(processedEvents)
      .where(and(eq(processedEvents.eventId, event.eventId), eq(processedEvents.consumer, 'tickets-order-created')));
    expect(processed).toHaveLength(1);
  });

  it('when the same order is announced again under a new event id, then the reservation is not applied twice', async () => {
    const ticket = await aTicket(bed);
    const event = orderEvents.created(ticket);
    await deliver(event);
    await deliver(orderEvents.created(ticket, event.data.id));

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: event.data.id, version: 1 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(2);
  });

  it('when the ticket is reserved, then its owner cannot edit it (400 Ticket is reserved)', async () => {
    const ticket = await aTicket(bed);
    await deliver(orderEvents.created(ticket));
    const response = await request(bed.app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', ticket.seller.cookie)
      .send({ title: 'Cheaper', price: 1 })
      .expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }] });
  });

  it('when the order is for an unknown ticket, then it is acknowledged without effect', async () => {
    const ghost = { id: randomUUID(), price: 10 };
    const event = orderEvents.created(ghost);
    await deliver(event);
    expect(await bed.outboxAbout(ghost.id)).toHaveLength(0);
  });

  it('when another order reserves a ticket whose previous order has not been cancelled here yet, then the new order holds it and the late cancellation is ignored', async () => {
    const ticket = await aTicket(bed);
    const first = orderEvents.created(ticket);
    const second = orderEvents.created(ticket);
    await deliver(first);
    await deliver(second);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: second.data.id, version: 2 });

    await deliver(orderEvents.cancelled(ticket, first.data.id));
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: second.data.id, version: 2 });
  });

  it('when reservations wait together, then one transaction applies them in order, each as it would alone', async () => {
    type Apply = (items: readonly BatchItem<typeof Subjects.OrderCreated>[]) => Promise<void>;
    const applyBatch = jest.spyOn(OrderCreatedListener.prototype as unknown as { applyBatch: Apply }, 'applyBatch');
    // Nothing left over from an earlier test on the consumer.
    await waitFor(
      async () =>
        (await bed.jsm.consumers.info(STREAM_NAME, durableName('tickets', Subjects.OrderCreated))).num_ack_pending ===
        0,
    );
    const [first, a, b, reserved] = await Promise.all([aTicket(bed), aTicket(bed), aTicket(bed), aTicket(bed)]);
    const handledBefore = orderEvents.reservation(reserved!, 1);
    await deliver(handledBefore);
    const group = [
      orderEvents.reservation(a!, 1),
      orderEvents.reservation(b!, 1),
      handledBefore, // delivered again: a duplicate
      orderEvents.created({ id: randomUUID(), price: 10 }), // an unknown ticket
      orderEvents.reservation(a!, 2), // a's newer order replaces the one just before it
    ];
    await bed.deliverAsGroup('tickets', orderEvents.reservation(first!, 1), group);

    expect(applyBatch.mock.calls.map(([items]) => items.map((item) => item.event.eventId))).toEqual([
      group.map((event) => event.eventId),
    ]);
    expect(await bed.ticketRow(a!.id)).toMatchObject({ orderId: group[4]!.data.id, version: 2 });
    expect(await bed.ticketRow(b!.id)).toMatchObject({ orderId: group[1]!.data.id, version: 1 });
    expect(await bed.ticketRow(reserved!.id)).toMatchObject({ orderId: handledBefore.data.id, version: 1 });
    expect(await bed.outboxAbout(a!.id)).toHaveLength(3);
    expect(await bed.outboxAbout(reserved!.id)).toHaveLength(2);
    applyBatch.mockRestore();
  });

  it('when a payload breaks the contract, then it is dropped and later events still apply', async () => {
    const ticket = await aTicket(bed);
    await bed.js.publish(Subjects.OrderCreated, new TextEncoder().encode('{"not":"an order"}'));
    const event = orderEvents.created(ticket);
    await deliver(event);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: event.data.id, version: 1 });
  });
});

describe('order.cancelled', () => {
  it('when the order holding the ticket is cancelled, then the ticket is free again as version 2 and listed again', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(created);
    const cancelled = orderEvents.cancelled(ticket, created.data.id);
    await deliver(cancelled);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: null, version: 2 });
    const events = await bed.eventsAbout(ticket.id, 3);
    expect(events.map((e) => [e.subject, e.data.version, e.data.orderId])).toEqual([
      [Subjects.TicketCreated, 0, undefined],
      [Subjects.TicketUpdated, 1, created.data.id],
      [Subjects.TicketUpdated, 2, null],
    ]);
    expect(events[2]?.correlationId).toBe(cancelled.correlationId);
    expect(await listedIds()).toContain(ticket.id);
    await request(bed.app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', ticket.seller.cookie)
      .send({ title: 'Again', price: 25 })
      .expect(200)
      .expect((response) => expect(response.body.version).toBe(3));
  });

  it('when another order is cancelled, then the reservation stays and nothing is published', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(created);
    await deliver(orderEvents.cancelled(ticket, randomUUID()));

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: created.data.id, version: 1 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(2);
  });

  it('when the same cancellation is delivered twice, then the ticket is released once', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(created);
    const cancelled = orderEvents.cancelled(ticket, created.data.id);
    await deliver(cancelled);
    await bed.handled(Subjects.OrderCancelled, await bed.republish(cancelled));

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: null, version: 2 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(3);
  });

  it('when the cancellation overtakes its order.created, then the late reservation is not applied', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(orderEvents.cancelled(ticket, created.data.id));
    await deliver(created);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: null, version: 0 });
    expect(await bed.db.select().from(cancelledOrders)).toEqual([
      expect.objectContaining({ orderId: created.data.id, ticketId: ticket.id }),
    ]);
    expect(await listedIds()).toContain(ticket.id);
  });

  it('when the ticket is unknown, then it is acknowledged without effect', async () => {
    const ghost = { id: randomUUID() };
    await deliver(orderEvents.cancelled(ghost, randomUUID()));
    expect(await bed.outboxAbout(ghost.id)).toHaveLength(0);
  });
});

describe('order.completed', () => {
  it('when the order holding the ticket completes, then the ticket is sold for good: version 2, published, unlisted, not editable', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(created);
    const completed = orderEvents.completed(ticket, created.data.id);
    await deliver(completed);

    const row = await bed.ticketRow(ticket.id);
    expect(row).toMatchObject({ orderId: created.data.id, version: 2 });
    expect(row?.soldAt).toBeInstanceOf(Date);
    const events = await bed.eventsAbout(ticket.id, 3);
    expect(events[2]).toMatchObject({
      subject: Subjects.TicketUpdated,
      correlationId: completed.correlationId,
      data: { version: 2, orderId: created.data.id },
    });

    expect(await listedIds()).not.toContain(ticket.id);
    const shown = await request(bed.app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'sold', orderId: created.data.id, version: 2 });
    const mine = await request(bed.app()).get('/api/tickets?mine=true').set('Cookie', ticket.seller.cookie).expect(200);
    expect(mine.body.tickets).toEqual([expect.objectContaining({ id: ticket.id, status: 'sold' })]);
    const edit = await request(bed.app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', ticket.seller.cookie)
      .send({ title: 'Resell', price: 100 })
      .expect(400);
    expect(edit.body).toEqual({ errors: [{ message: 'Ticket is sold', code: 'TICKET_SOLD' }] });
  });

  it('when a sold ticket receives a new order, a cancellation or the completion again, then nothing changes', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(created);
    const completed = orderEvents.completed(ticket, created.data.id);
    await deliver(completed);

    await deliver(orderEvents.created(ticket));
    await deliver(orderEvents.cancelled(ticket, created.data.id));
    await deliver(orderEvents.completed(ticket, created.data.id));
    await bed.handled(Subjects.OrderCompleted, await bed.republish(completed));

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: created.data.id, version: 2 });
    expect(await bed.outboxAbout(ticket.id)).toHaveLength(3);
  });

  it('when the completion overtakes the reservation, then the ticket is sold to that order and the late reservation is ignored', async () => {
    const ticket = await aTicket(bed);
    const created = orderEvents.created(ticket);
    await deliver(orderEvents.completed(ticket, created.data.id));
    await deliver(created);

    const row = await bed.ticketRow(ticket.id);
    expect(row).toMatchObject({ orderId: created.data.id, version: 1 });
    expect(row?.soldAt).toBeInstanceOf(Date);
  });

  it('when the ticket is unknown, then it is acknowledged without effect', async () => {
    const ghost = { id: randomUUID() };
    await deliver(orderEvents.completed(ghost, randomUUID()));
    expect(await bed.outboxAbout(ghost.id)).toHaveLength(0);
  });
});
