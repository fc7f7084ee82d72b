import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { createEvent, Subjects, type TicketCreatedData } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const created = (overrides: Partial<TicketCreatedData> = {}): TicketCreatedData => ({
  id: randomUUID(),
  version: 0,
  title: 'Concert',
  price: 2000,
  userId: randomUUID(),
  ...overrides,
});

const update = (ticket: TicketCreatedData, version: number, title: string, price: number) => ({
  ...ticket,
  version,
  title,
  price,
});

describe('ticket.created', () => {
  it('when a ticket is created, then its replica is stored with the seller and the price in cents', async () => {
    const ticket = created({ title: 'Jazz night', price: 1250 });
    await bed.publish(Subjects.TicketCreated, ticket);

    const stored = await waitFor(() => bed.ticket(ticket.id));
    expect(stored).toEqual({
      id: ticket.id,
      title: 'Jazz night',
      priceCents: 1250,
      userId: ticket.userId,
      version: 0,
      withdrawn: false,
      eventId: null,
    });
  });

  it('when the same ticket.created arrives twice, then it is acked and the replica is unchanged', async () => {
    const ticket = created();
    const event = await bed.publish(Subjects.TicketCreated, ticket);
    await waitFor(() => bed.ticket(ticket.id));
    await bed.publish(Subjects.TicketUpdated, update(ticket, 1, 'Renamed', 3000));
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);

    await bed.publishAgain(event);
    await bed.settled(Subjects.TicketCreated);

    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 1, title: 'Renamed', priceCents: 3000 });
  });

  it('when the payload breaks the contract, then it is terminated rather than retried, and later events still flow', async () => {
    await jetstream(bed.nc).publish(Subjects.TicketCreated, new TextEncoder().encode('{"not":"an event"}'));
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    // settled: nothing pending, so the bad message was not nak'd back into the consumer.
    await bed.settled(Subjects.TicketCreated);
    expect(await bed.ticket(ticket.id)).toBeDefined();
  });
});

describe('tickets of a catalog event', () => {
  it('when ticket.created and ticket.updated carry eventId, faceValue and seat, then the replica keeps the event (order.created passes it on) and neither the face value nor the seat', async () => {
    const details = { eventId: randomUUID(), faceValue: 4500, seat: { section: 'B', row: 'F', seat: '12' } };
    const ticket = created({ title: 'Front row', price: 5000, ...details });
    await bed.publish(Subjects.TicketCreated, ticket);
    const stored = await waitFor(() => bed.ticket(ticket.id));
    expect(stored).toEqual({
      id: ticket.id,
      title: 'Front row',
      priceCents: 5000,
      userId: ticket.userId,
      version: 0,
      withdrawn: false,
      eventId: details.eventId,
    });

    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Front row, moved', 5500), seat: null });
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);
    expect(await bed.ticket(ticket.id)).toMatchObject({ title: 'Front row, moved', priceCents: 5500 });
  });
});

describe('ticket.updated', () => {
  it('when the next version arrives, then it is applied', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Moved to Friday', 2500), orderId: null });

    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);
    expect(await bed.ticket(ticket.id)).toMatchObject({ title: 'Moved to Friday', priceCents: 2500 });
  });

  it('when an update is delivered again, then it is acked as a duplicate and changes nothing', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    const first = await bed.publish(Subjects.TicketUpdated, update(ticket, 1, 'One', 100));
    await bed.publish(Subjects.TicketUpdated, update(ticket, 2, 'Two', 200));
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 2);

    await bed.publishAgain(first);
    await bed.settled(Subjects.TicketUpdated);

    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 2, title: 'Two', priceCents: 200 });
  });

  it('when version 2 arrives before version 1, then it is retried and applied only after version 1, ending as in-order delivery', async () => {
    const outOfOrder = created({ title: 'v0', price: 1000 });
    const inOrder = created({ title: 'v0', price: 1000, userId: outOfOrder.userId });
    await bed.publish(Subjects.TicketCreated, outOfOrder);
    await bed.publish(Subjects.TicketCreated, inOrder);
    await waitFor(() => bed.ticket(outOfOrder.id));

    await bed.publish(Subjects.TicketUpdated, update(outOfOrder, 2, 'v2', 3000));
    // It has been refused and handed back at least once: still at version 0.
    await waitFor(async () => (await bed.consumer(Subjects.TicketUpdated)).num_redelivered > 0);
    expect(await bed.ticket(outOfOrder.id)).toMatchObject({ version: 0, title: 'v0' });

    await bed.publish(Subjects.TicketUpdated, update(outOfOrder, 1, 'v1', 2000));
    await bed.publish(Subjects.TicketUpdated, update(inOrder, 1, 'v1', 2000));
    await bed.publish(Subjects.TicketUpdated, update(inOrder, 2, 'v2', 3000));
    await bed.settled(Subjects.TicketUpdated);

    const [a, b] = [await bed.ticket(outOfOrder.id), await bed.ticket(inOrder.id)];
    expect(a).toEqual({ ...b, id: outOfOrder.id });
    expect(a).toMatchObject({ version: 2, title: 'v2', priceCents: 3000 });
  });

  it('when an update arrives for a ticket not known yet, then it is retried until ticket.created arrives', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketUpdated, update(ticket, 1, 'Early', 4000));
    await waitFor(async () => (await bed.consumer(Subjects.TicketUpdated)).num_redelivered > 0);
    expect(await bed.ticket(ticket.id)).toBeUndefined();

    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.settled(Subjects.TicketUpdated);

    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 1, title: 'Early', priceCents: 4000 });
  });
});

describe('withdrawn tickets (ticket.updated status)', () => {
  const reserve = (ticketId: string) =>
    request(bed.app()).post('/api/orders').set('Cookie', aUser().cookie).send({ ticketId });

  it('when the seller withdraws a ticket, then the replica learns it and a buyer is refused with 409 TICKET_WITHDRAWN; once relisted, it can be reserved', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Concert', 2000), status: 'withdrawn' });
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);
    expect(await bed.ticket(ticket.id)).toMatchObject({ withdrawn: true });

    const refused = await reserve(ticket.id).expect(409);
    expect(refused.body).toEqual({
      errors: [{ message: 'This ticket is not on sale', code: 'TICKET_WITHDRAWN' }],
    });
    expect(await bed.ordersOfTicket(ticket.id)).toEqual([]);
    expect(await bed.published(Subjects.OrderCreated)).toHaveLength(0);

    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 2, 'Concert', 2000), status: 'available' });
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 2);
    expect(await bed.ticket(ticket.id)).toMatchObject({ withdrawn: false });
    await reserve(ticket.id).expect(201);
  });

  it('when a resale listing is created pending, then a buyer is refused with 409 TICKET_WITHDRAWN until ticket.updated says available', async () => {
    const ticket = created({ status: 'pending', resaleOfPassId: randomUUID() });
    await bed.publish(Subjects.TicketCreated, ticket);
    await waitFor(() => bed.ticket(ticket.id));
    expect(await bed.ticket(ticket.id)).toMatchObject({ withdrawn: true });

    const refused = await reserve(ticket.id).expect(409);
    expect(refused.body).toEqual({ errors: [{ message: 'This ticket is not on sale', code: 'TICKET_WITHDRAWN' }] });
    expect(await bed.ordersOfTicket(ticket.id)).toEqual([]);

    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Concert', 2000), status: 'available' });
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);
    await reserve(ticket.id).expect(201);
  });

  it('when a resale listing is rejected, then a buyer is refused with 409 TICKET_WITHDRAWN', async () => {
    const ticket = created({ status: 'pending', resaleOfPassId: randomUUID() });
    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Concert', 2000), status: 'rejected' });
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);

    const refused = await reserve(ticket.id).expect(409);
    expect(refused.body.errors).toEqual([{ message: 'This ticket is not on sale', code: 'TICKET_WITHDRAWN' }]);
  });

  it('when an update carries no status (published before status was carried), then the ticket is not withdrawn', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Withdrawn', 2000), status: 'withdrawn' });
    await bed.publish(Subjects.TicketUpdated, update(ticket, 2, 'Old publisher', 2000));
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 2);
    expect(await bed.ticket(ticket.id)).toMatchObject({ withdrawn: false, title: 'Old publisher' });
  });

  it('when a withdrawn ticket arrives out of order, then the withdrawal applies in version order', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 2, 'Concert', 2000), status: 'available' });
    await waitFor(async () => (await bed.consumer(Subjects.TicketUpdated)).num_redelivered > 0);
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'Concert', 2000), status: 'withdrawn' });
    await bed.settled(Subjects.TicketUpdated);
    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 2, withdrawn: false });
  });

  it('when a resync says the ticket is withdrawn, then the replica takes it whatever its version', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await waitFor(() => bed.ticket(ticket.id));
    await bed.publishEvent(
      createEvent(
        Subjects.TicketUpdated,
        { ...update(ticket, 7, 'Concert', 2000), status: 'withdrawn' },
        { resync: true },
      ),
    );
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 7);
    expect(await bed.ticket(ticket.id)).toMatchObject({ withdrawn: true });
  });
});

describe('gaps that heal', () => {
  afterEach(() => {
    bed.deps.gapHealMs = undefined;
  });

  it('when an update’s predecessor never arrives, then after the gap time the update is applied as it is, logged as a skipped gap', async () => {
    bed.deps.gapHealMs = 500;
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await waitFor(() => bed.ticket(ticket.id));

    await bed.publish(Subjects.TicketUpdated, update(ticket, 3, 'Version three', 4200));

    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 3);
    expect(await bed.ticket(ticket.id)).toMatchObject({ title: 'Version three', priceCents: 4200 });
    expect(bed.logs('warn')).toContainEqual(
      expect.objectContaining({
        ticketId: ticket.id,
        version: 3,
        msg: 'ticket version gap skipped: the replica took the whole ticket',
      }),
    );
    // Retried first: the gap had to last before it was skipped.
    expect(bed.logs('info')).toContainEqual(
      expect.objectContaining({ msg: 'event not applicable yet; retrying later', subject: Subjects.TicketUpdated }),
    );
  });

  it('when the ticket.created never arrives, then a later update makes the replica after the gap time', async () => {
    bed.deps.gapHealMs = 300;
    const ticket = created();
    await bed.publish(Subjects.TicketUpdated, update(ticket, 2, 'Known from an update', 1500));
    expect(await waitFor(() => bed.ticket(ticket.id))).toMatchObject({ version: 2, title: 'Known from an update' });
  });

  it('when a resync carries a version older than the replica’s (the source was restored), then the replica takes it, and the source’s next versions apply', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await bed.publish(Subjects.TicketUpdated, update(ticket, 1, 'Before the restore', 2100));
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 1);
    // Restored from a backup taken at version 0: tickets republishes what it has.
    await bed.publishEvent(createEvent(Subjects.TicketUpdated, { ...ticket, orderId: null }, { resync: true }));
    await waitFor(async () => (await bed.ticket(ticket.id))?.version === 0);

    await bed.publish(Subjects.TicketUpdated, update(ticket, 1, 'After the restore', 2500));

    await waitFor(async () => (await bed.ticket(ticket.id))?.title === 'After the restore');
    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 1, priceCents: 2500 });
  });
});

describe('the currency of ticket events', () => {
  it('when ticket.created carries PAYMENT_CURRENCY, then the replica is stored', async () => {
    const ticket = created({ currency: 'usd' });
    await bed.publish(Subjects.TicketCreated, ticket);
    expect(await waitFor(() => bed.ticket(ticket.id))).toMatchObject({ priceCents: 2000 });
  });

  it('when ticket.created is priced in another currency than PAYMENT_CURRENCY, then it is not stored but retried, with an error naming PAYMENT_CURRENCY', async () => {
    const ticket = created({ currency: 'eur' });
    await bed.publish(Subjects.TicketCreated, ticket);

    await waitFor(async () => (await bed.consumer(Subjects.TicketCreated)).num_redelivered > 0);
    expect(await bed.ticket(ticket.id)).toBeUndefined();
    expect(bed.logs('error')).toContainEqual(
      expect.objectContaining({
        err: expect.objectContaining({
          message: expect.stringContaining("the event's amount is in EUR but PAYMENT_CURRENCY is USD"),
        }),
      }),
    );
  });

  it('when ticket.updated is priced in another currency than PAYMENT_CURRENCY, then it is not applied', async () => {
    const ticket = created();
    await bed.publish(Subjects.TicketCreated, ticket);
    await waitFor(() => bed.ticket(ticket.id));
    await bed.publish(Subjects.TicketUpdated, { ...update(ticket, 1, 'In euros', 1500), currency: 'eur' });

    await waitFor(async () => (await bed.consumer(Subjects.TicketUpdated)).num_redelivered > 0);
    expect(await bed.ticket(ticket.id)).toMatchObject({ version: 0, priceCents: 2000 });
  });
});
