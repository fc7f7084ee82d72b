import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { type PostgresServerHandle, startPostgresServer } from '@ticketing/common/testing';
import request from 'supertest';
import { tickets } from '../src/db/schema';
import { reserveTicket } from '../src/domain/reservations';
import { MAX_EDIT_ATTEMPTS } from '../src/domain/tickets';
import { aTicket, createTicketsTestBed, type TicketsTestBed } from './harness';

// PGlite is one connection, so two transactions never overlap there. On a PostgreSQL server
// with a pool they do: these tests show the version check and the row lock under real concurrency.
jest.setTimeout(60_000);

let server: PostgresServerHandle;
let bed: TicketsTestBed;

describe('tickets on a PostgreSQL server', () => {
  beforeAll(async () => {
    server = await startPostgresServer();
    bed = await createTicketsTestBed({ postgresUrl: await server.createDatabase() });
  });
  beforeEach(() => bed.reset());
  afterAll(async () => {
    await bed?.close();
    await server?.stop();
  });

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

  it('when the listing is paged, then the keyset cursor works the same on PostgreSQL', async () => {
    const sellerId = randomUUID();
    const createdAt = new Date();
    const rows = Array.from({ length: 5 }, (_, i) => ({
      id: randomUUID(),
      title: `Show ${i}`,
      priceCents: 100,
      userId: sellerId,
      createdAt: new Date(createdAt.getTime() - (i % 2) * 1000),
    }));
    await bed.db.insert(tickets).values(rows);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: request.Response = await request(bed.app())
        .get('/api/tickets')
        .query(cursor ? { limit: '2', q: 'SHOW', cursor } : { limit: '2', q: 'SHOW' })
        .expect(200);
      seen.push(...response.body.tickets.map((ticket: { id: string }) => ticket.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual(rows.map((row) => row.id).sort());
    expect(new Set(seen).size).toBe(5);
  });
});
