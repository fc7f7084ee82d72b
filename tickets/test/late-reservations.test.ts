import { Subjects } from '@ticketing/common';
import { releaseTicket, reserveTicket } from '../src/domain/reservations';
import { aTicket, createTicketsTestBed, orderEvents, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
  await bed.startListeners();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

type AnEvent = Parameters<TicketsTestBed['publish']>[0];

/** Publishes the event and waits until its consumer acknowledged it (its transaction committed). */
async function deliver(event: AnEvent) {
  const seq = await bed.publish(event);
  await bed.handled(event.subject, seq);
}

/** The same event delivered again under a new message id, as a redelivery the stream cannot drop. */
async function redeliver(event: AnEvent) {
  await bed.handled(event.subject, await bed.republish(event));
}

async function ticketUpdates(ticketId: string) {
  return (await bed.outboxAbout(ticketId)).filter((event) => event.subject === Subjects.TicketUpdated);
}

describe('a reservation arriving late', () => {
  it('when order A is created, A is cancelled, then B is created, then the ticket ends held by B — and A’s order.created delivered again changes nothing', async () => {
    const ticket = await aTicket(bed);
    const a = orderEvents.reservation(ticket, 1);
    const b = orderEvents.reservation(ticket, 2);

    await deliver(a);
    await deliver(orderEvents.cancelled(ticket, a.data.id));
    await deliver(b);
    await redeliver(a);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: b.data.id, version: 3 });
    expect(await ticketUpdates(ticket.id)).toHaveLength(3);
  });

  it('when B’s order.created arrives before A’s (A was cancelled in orders, its cancellation not here yet), then the ticket ends held by B and A’s late events change nothing', async () => {
    const ticket = await aTicket(bed);
    const a = orderEvents.reservation(ticket, 1);
    const b = orderEvents.reservation(ticket, 2);

    await deliver(b);
    await deliver(a);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: b.data.id, version: 1 });

    await redeliver(a);
    await deliver(orderEvents.cancelled(ticket, a.data.id));
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: b.data.id, version: 1 });
    const updates = await ticketUpdates(ticket.id);
    expect(updates.map((event) => (event.data as { orderId?: string }).orderId)).toEqual([b.data.id]);
  });

  it('when two replicas handle A’s and B’s order.created at the same moment, then B holds the ticket whichever commits first', async () => {
    for (const [first, second] of [
      [1, 2],
      [2, 1],
    ] as const) {
      const ticket = await aTicket(bed);
      const events = { 1: orderEvents.reservation(ticket, 1), 2: orderEvents.reservation(ticket, 2) };
      const input = (n: 1 | 2) => ({
        consumer: 'tickets-order-created',
        eventId: events[n].eventId,
        correlationId: events[n].correlationId,
        ticketId: ticket.id,
        orderId: events[n].data.id,
        reservationNumber: n,
      });
      await Promise.all([reserveTicket(bed.store, input(first)), reserveTicket(bed.store, input(second))]);

      expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: events[2].data.id });
    }
  });

  it('when an order’s order.created and order.cancelled are handled at the same moment, then the ticket never ends held by that cancelled order', async () => {
    for (let round = 0; round < 10; round++) {
      const ticket = await aTicket(bed);
      const created = orderEvents.reservation(ticket, 1);
      const cancelled = orderEvents.cancelled(ticket, created.data.id);
      const about = (event: typeof created | typeof cancelled) => ({
        eventId: event.eventId,
        correlationId: event.correlationId,
        ticketId: ticket.id,
        orderId: created.data.id,
      });
      const reserve = reserveTicket(bed.store, {
        ...about(created),
        consumer: 'tickets-order-created',
        reservationNumber: 1,
      });
      const release = releaseTicket(bed.store, { ...about(cancelled), consumer: 'tickets-order-cancelled' });
      await Promise.all(round % 2 === 0 ? [reserve, release] : [release, reserve]);

      expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: null });
    }
  });

  it('when the newest reservation tickets applied was cancelled and the ticket is free, then an older order’s late order.created does not reserve it', async () => {
    const ticket = await aTicket(bed);
    const a = orderEvents.reservation(ticket, 1);
    const b = orderEvents.reservation(ticket, 2);

    await deliver(b);
    await deliver(orderEvents.cancelled(ticket, b.data.id));
    await deliver(a);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: null, version: 2 });
  });

  it('when tickets has seen an order’s cancellation, then its order.created delivered again never re-reserves the free ticket', async () => {
    const ticket = await aTicket(bed);
    const a = orderEvents.reservation(ticket, 1);

    await deliver(a);
    await deliver(orderEvents.cancelled(ticket, a.data.id));
    await redeliver(a);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: null, version: 2 });
    expect(await ticketUpdates(ticket.id)).toHaveLength(2);
  });

  it('when an order.created published before reservations were numbered arrives after a numbered one, then it is older and does not replace it', async () => {
    const ticket = await aTicket(bed);
    const numbered = orderEvents.reservation(ticket, 3);

    await deliver(numbered);
    await deliver(orderEvents.created(ticket));

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: numbered.data.id, version: 1 });
  });

  it('when a numbered reservation follows one published before numbering, then it replaces it as before', async () => {
    const ticket = await aTicket(bed);
    const unnumbered = orderEvents.created(ticket);
    const numbered = orderEvents.reservation(ticket, 1);

    await deliver(unnumbered);
    await deliver(numbered);

    expect(await bed.ticketRow(ticket.id)).toMatchObject({ orderId: numbered.data.id, version: 2 });
  });
});
