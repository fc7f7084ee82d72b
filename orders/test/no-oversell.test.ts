import type { Server } from 'node:http';
import { ACTIVE_ORDER_STATUSES, OrderStatus, Subjects } from '@ticketing/common';
import request from 'supertest';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

jest.setTimeout(120_000);

const BUYERS = 200;

/**
 * The invariant behind "no oversell": however many buyers race for one ticket, exactly one
 * gets it, because the partial unique index refuses a second active order. The buyers truly
 * race: each request's transaction runs on a connection of its own.
 */
describe('no oversell', () => {
  let bed: OrdersTestBed;
  let server: Server;
  beforeAll(async () => {
    bed = await createOrdersTestBed();
    // One listening server for every request, instead of one ephemeral server per request.
    server = bed.app().listen(0);
  });
  beforeEach(() => bed.reset());
  afterAll(async () => {
    await new Promise((resolve) => {
      server?.close(resolve);
      server?.closeAllConnections();
    });
    await bed?.close();
  });

  it(`when ${BUYERS} different buyers reserve one ticket at once, then exactly one gets 201 and the others 400 "Ticket is already reserved"`, async () => {
    const ticket = await bed.aTicket();

    const responses = await Promise.all(
      Array.from({ length: BUYERS }, () =>
        request(server).post('/api/orders').set('Cookie', aUser().cookie).send({ ticketId: ticket.id }),
      ),
    );

    const created = responses.filter((response) => response.status === 201);
    const refused = responses.filter((response) => response.status === 400);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(BUYERS - 1);
    for (const response of refused) {
      expect(response.body).toEqual({ errors: [{ message: 'Ticket is already reserved', code: 'TICKET_RESERVED' }] });
    }
    const rows = await bed.ordersOfTicket(ticket.id);
    expect(rows.filter((row) => ACTIVE_ORDER_STATUSES.includes(row.status))).toHaveLength(1);
    expect(rows).toEqual([expect.objectContaining({ id: created[0]?.body.id, status: OrderStatus.Created })]);
    expect(await bed.published(Subjects.OrderCreated)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ id: created[0]?.body.id }) }),
    ]);
  });

  it('when buyers race for a ticket whose reservation is overdue, then one gets it and the overdue order is cancelled once', async () => {
    const ticket = await bed.aTicket();
    const overdue = await bed.anOrder(ticket, { expiresAt: new Date(Date.now() - 1000) });

    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        request(server).post('/api/orders').set('Cookie', aUser().cookie).send({ ticketId: ticket.id }),
      ),
    );

    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 400)).toHaveLength(49);
    expect(await bed.order(overdue.id)).toMatchObject({ status: OrderStatus.Cancelled, version: 1 });
    expect(await bed.published(Subjects.OrderCancelled, overdue.id)).toHaveLength(1);
    const active = (await bed.ordersOfTicket(ticket.id)).filter((row) => ACTIVE_ORDER_STATUSES.includes(row.status));
    expect(active).toHaveLength(1);
  });
});
