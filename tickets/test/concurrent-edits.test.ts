import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import request from 'supertest';
import { reserveTicket } from '../src/domain/reservations';
import { MAX_EDIT_ATTEMPTS } from '../src/domain/tickets';
import { aTicket, createTicketsTestBed, type TicketsTestBed } from './harness';

jest.setTimeout(60_000);

let bed: TicketsTestBed;

// Every request's transaction runs on a connection of its own, so they truly overlap: the
// version check and the row lock decide.
describe('tickets under concurrent changes', () => {
  beforeAll(async () => {
    bed = await createTicketsTestBed();
  });
  beforeEach(() => bed.reset());
  afterAll(() => bed?.close());

  const edit = (ticket: { id: string; seller: { cookie: string[] } }, title: string) =>
    request(bed.app()).put(`/api/tickets/${ticket.id}`).set('Cookie', ticket.seller.cookie).send({ title, price: 5 });

  async function updatedVersions(ticketId: string): Promise<number[]> {
    return (await bed.outboxAbout(ticketId))
      .filter((event) => event.subject === Subjects.TicketUpdated)
      .map((event) => (event.data as { version: number }).version);
  }

  it(`when ${MAX_EDIT_ATTEMPTS} edits of one ticket run at once, then every one succeeds with its own version and one event each, in order`, async () => {
    const ticket = await aTicket(bed);
    const responses = await Promise.all(Array.from({ length: MAX_EDIT_ATTEMPTS }, (_, i) => edit(ticket, `Edit ${i}`)));

    expect(responses.map((response) => response.status)).toEqual(Array(MAX_EDIT_ATTEMPTS).fill(200));
    const versions = responses.map((response) => response.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5]);
    expect(await updatedVersions(ticket.id)).toEqual([1, 2, 3, 4, 5]);
    expect(await bed.ticketRow(ticket.id)).toMatchObject({ version: 5 });
  });

  it('when edits race a reservation, then the reservation holds, later edits get 400, and the versions have no gap', async () => {
    const ticket = await aTicket(bed);
    const orderId = randomUUID();
    const [reservation, ...edits] = await Promise.all([
      reserveTicket(bed.store, {
        consumer: 'test',
        eventId: randomUUID(),
        correlationId: 'race',
        ticketId: ticket.id,
        orderId,
      }),
      ...Array.from({ length: 4 }, (_, i) => edit(ticket, `Edit ${i}`)),
    ]);

    expect(reservation.outcome).toBe('applied');
    expect(edits.every((response) => [200, 400].includes(response.status))).toBe(true);
    const succeeded = edits.filter((response) => response.status === 200).length;
    const row = await bed.ticketRow(ticket.id);
    expect(row).toMatchObject({ orderId, version: succeeded + 1 });
    expect(await updatedVersions(ticket.id)).toEqual(Array.from({ length: succeeded + 1 }, (_, i) => i + 1));
  });
});
