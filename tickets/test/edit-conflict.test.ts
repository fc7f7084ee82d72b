import { randomUUID } from 'node:crypto';
import request from 'supertest';
import * as repository from '../src/db/tickets.repository';
import { reserveTicket } from '../src/domain/reservations';
import { MAX_EDIT_ATTEMPTS } from '../src/domain/tickets';
import { aTicket, createTicketsTestBed, type TicketsTestBed } from './harness';

// The edit reads the ticket, checks it, then writes only onto the version it read. To land a
// change exactly between that read and that write, the read is wrapped: the real read runs,
// then the test commits a real change (a reservation or another edit) before the edit goes on.
jest.mock('../src/db/tickets.repository', () => {
  const actual = jest.requireActual('../src/db/tickets.repository');
  return { ...actual, findTicketById: jest.fn(actual.findTicketById) };
});

const realFindTicketById: typeof repository.findTicketById =
  jest.requireActual('../src/db/tickets.repository').findTicketById;
const findTicketById = jest.mocked(repository.findTicketById);

/** The next `times` reads by an edit are each followed by `change`, as by a concurrent request. */
function interleave(change: () => Promise<unknown>, times = 1): void {
  let left = times;
  let changing = false; // the change's own reads (another edit) run straight through
  findTicketById.mockImplementation(async (db, id) => {
    const row = await realFindTicketById(db, id);
    if (left > 0 && !changing) {
      left -= 1;
      changing = true;
      try {
        await change();
      } finally {
        changing = false;
      }
    }
    return row;
  });
}

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
beforeEach(() => bed.reset());
afterEach(() => findTicketById.mockImplementation(realFindTicketById));
afterAll(() => bed.close());

const edit = (ticket: { id: string; seller: { cookie: string[] } }, body: object) =>
  request(bed.app()).put(`/api/tickets/${ticket.id}`).set('Cookie', ticket.seller.cookie).send(body);

describe('PUT /api/tickets/:id racing other changes', () => {
  it('when the ticket is reserved between the edit reading and writing it, then the edit re-checks and answers 400 Ticket is reserved', async () => {
    const ticket = await aTicket(bed);
    const orderId = randomUUID();
    interleave(() =>
      reserveTicket(bed.store, {
        consumer: 'test',
        eventId: randomUUID(),
        correlationId: 'race',
        ticketId: ticket.id,
        orderId,
      }),
    );

    const response = await edit(ticket, { title: 'Too late', price: 1 }).expect(400);
    expect(response.body).toEqual({ errors: [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }] });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ title: 'Concert', orderId, version: 1 });
    const versions = (await bed.outboxAbout(ticket.id)).map((event) => event.data);
    expect(versions).toEqual([
      expect.objectContaining({ version: 0 }),
      expect.objectContaining({ version: 1, orderId, title: 'Concert' }),
    ]);
  });

  it('when another edit lands in between, then the edit retries on the new version and both are published in order', async () => {
    const ticket = await aTicket(bed);
    interleave(() => edit(ticket, { title: 'Other tab', price: 2 }).expect(200));

    const response = await edit(ticket, { title: 'This tab', price: 3 }).expect(200);
    expect(response.body).toMatchObject({ title: 'This tab', price: 3, version: 2 });
    const events = await bed.eventsAbout(ticket.id, 3);
    expect(events.map((event) => [event.data.version, event.data.title])).toEqual([
      [0, 'Concert'],
      [1, 'Other tab'],
      [2, 'This tab'],
    ]);
  });

  it(`when the ticket changes between every read and write, then after ${MAX_EDIT_ATTEMPTS} attempts it answers 409 and writes nothing of its own`, async () => {
    const ticket = await aTicket(bed);
    let n = 0;
    interleave(() => edit(ticket, { title: `Edit ${++n}`, price: 1 }).expect(200), MAX_EDIT_ATTEMPTS);

    const response = await edit(ticket, { title: 'Never', price: 9 }).expect(409);
    expect(response.body).toEqual({
      errors: [{ message: 'Ticket was changed by another request, try again', code: 'TICKET_CONCURRENT_UPDATE' }],
    });
    expect(await bed.ticketRow(ticket.id)).toMatchObject({
      title: `Edit ${MAX_EDIT_ATTEMPTS}`,
      version: MAX_EDIT_ATTEMPTS,
    });
    const titles = (await bed.outboxAbout(ticket.id)).map((event) => (event.data as { title: string }).title);
    expect(titles).not.toContain('Never');
  });
});
