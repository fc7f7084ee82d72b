import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { tickets } from '../src/db/schema';
import { encodeCursor } from '../src/domain/cursor';
import type { Ticket } from '../src/domain/ticket';
import { aTicket, aUser, createTicketsTestBed, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

interface Page {
  tickets: Ticket[];
  nextCursor: string | null;
}

/** Inserts tickets straight into the table, newest last, several sharing one created_at. */
async function seed(count: number, { userId = randomUUID() as string, sameInstant = false } = {}) {
  const base = Date.now() - 60_000;
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    title: `Show ${i}`,
    priceCents: 1000 + i,
    userId,
    createdAt: new Date(sameInstant ? base : base + Math.floor(i / 3) * 1000),
  }));
  await bed.db.insert(tickets).values(rows);
  return rows;
}

async function list(query: Record<string, string> = {}, cookie?: string[]): Promise<Page> {
  const call = request(bed.app()).get('/api/tickets').query(query);
  const response = await (cookie ? call.set('Cookie', cookie) : call).expect(200);
  return response.body as Page;
}

async function allPages(query: Record<string, string>, cookie?: string[]): Promise<{ pages: Page[]; ids: string[] }> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(cursor ? { ...query, cursor } : query, cookie);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return { pages, ids: pages.flatMap((page) => page.tickets.map((ticket) => ticket.id)) };
}

describe('GET /api/tickets', () => {
  it('when nothing is listed, then it answers 200 with an empty page and no cursor', async () => {
    await expect(list()).resolves.toEqual({ tickets: [], nextCursor: null });
  });

  it('when tickets exist, then anyone signed out gets the available ones, newest first, in the ticket shape', async () => {
    const older = await aTicket(bed, { title: 'Older', price: 10 });
    const newer = await aTicket(bed, { title: 'Newer', price: 12.5 });
    const page = await list();
    expect(page.tickets.map((ticket) => ticket.id)).toEqual([newer.id, older.id]);
    expect(page.tickets[0]).toEqual({
      id: newer.id,
      title: 'Newer',
      price: 12.5,
      userId: newer.seller.id,
      version: 0,
      orderId: null,
      status: 'available',
      soldAt: null,
      currency: 'usd',
      eventId: null,
      faceValue: null,
      seat: null,
      resaleOfPassId: null,
      rejectionReason: null,
    });
    expect(page.nextCursor).toBeNull();
  });

  it('when tickets are reserved or sold, then they are left out of the listing', async () => {
    const [available, reserved, sold] = await seed(3);
    await bed.db.update(tickets).set({ orderId: randomUUID() }).where(eqId(reserved!.id));
    await bed.db.update(tickets).set({ orderId: randomUUID(), soldAt: new Date() }).where(eqId(sold!.id));
    const page = await list();
    expect(page.tickets.map((ticket) => ticket.id)).toEqual([available!.id]);
  });

  it('when there are more tickets than the limit, then the cursor walks every page without duplicates or gaps', async () => {
    const rows = await seed(25);
    const { pages, ids } = await allPages({ limit: '10' });
    expect(pages.map((page) => page.tickets.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(ids).toEqual(sortedNewestFirst(rows).map((row) => row.id));
  });

  it('when many tickets share the same created_at, then the id breaks the tie and pages still cover each once', async () => {
    const rows = await seed(7, { sameInstant: true });
    const { ids } = await allPages({ limit: '2' });
    expect(ids).toEqual(sortedNewestFirst(rows).map((row) => row.id));
  });

  it('when the page is exactly full, then the last page has no cursor', async () => {
    await seed(4);
    const first = await list({ limit: '2' });
    const second = await list({ limit: '2', cursor: first.nextCursor! });
    expect(second.tickets).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  it('when no limit is given, then a page holds 20 tickets', async () => {
    await seed(21);
    const page = await list();
    expect(page.tickets).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('when limit is 100, then it is accepted', async () => {
    await seed(3);
    await expect(list({ limit: '100' })).resolves.toMatchObject({ tickets: expect.any(Array), nextCursor: null });
  });

  it('when a ticket is reserved between two pages, then the next page continues after the cursor', async () => {
    const rows = sortedNewestFirst(await seed(6));
    const first = await list({ limit: '3' });
    await bed.db.update(tickets).set({ orderId: randomUUID() }).where(eqId(rows[3]!.id));
    const second = await list({ limit: '3', cursor: first.nextCursor! });
    expect(second.tickets.map((ticket) => ticket.id)).toEqual([rows[4]!.id, rows[5]!.id]);
  });

  describe('search with q', () => {
    it('when q is part of a title in any case, then only matching tickets are listed', async () => {
      const rock = await aTicket(bed, { title: 'Rock Concert' });
      const jazz = await aTicket(bed, { title: 'Late jazz' });
      await aTicket(bed, { title: 'Opera' });
      expect((await list({ q: 'CONCERT' })).tickets.map((t) => t.id)).toEqual([rock.id]);
      expect((await list({ q: ' jaz ' })).tickets.map((t) => t.id)).toEqual([jazz.id]);
    });

    it('when q contains LIKE wildcards, then they match literally', async () => {
      const percent = await aTicket(bed, { title: '100% fun' });
      const underscore = await aTicket(bed, { title: 'snake_case night' });
      const backslash = await aTicket(bed, { title: 'back\\slash' });
      await aTicket(bed, { title: '100 fun' });
      await aTicket(bed, { title: 'snakeXcase night' });
      expect((await list({ q: '%' })).tickets.map((t) => t.id)).toEqual([percent.id]);
      expect((await list({ q: '_' })).tickets.map((t) => t.id)).toEqual([underscore.id]);
      expect((await list({ q: '\\' })).tickets.map((t) => t.id)).toEqual([backslash.id]);
    });

    it('when q matches more tickets than the limit, then pagination applies to the matches', async () => {
      await seed(5);
      const { ids, pages } = await allPages({ q: 'show', limit: '2' });
      expect(pages).toHaveLength(3);
      expect(new Set(ids).size).toBe(5);
    });

    it('when q is empty or blank, then every available ticket is listed', async () => {
      await seed(2);
      expect((await list({ q: '  ' })).tickets).toHaveLength(2);
    });
  });

  describe('include=reserved', () => {
    it('when tickets are reserved, sold or withdrawn, then the reserved ones are listed too, with their status, and the others are not', async () => {
      const [available, reserved, sold, withdrawn] = sortedNewestFirst(await seed(4));
      await bed.db.update(tickets).set({ orderId: randomUUID() }).where(eqId(reserved!.id));
      await bed.db.update(tickets).set({ orderId: randomUUID(), soldAt: new Date() }).where(eqId(sold!.id));
      await bed.db.update(tickets).set({ withdrawnAt: new Date() }).where(eqId(withdrawn!.id));

      const page = await list({ include: 'reserved' });
      expect(page.tickets.map((ticket) => [ticket.id, ticket.status])).toEqual([
        [available!.id, 'available'],
        [reserved!.id, 'reserved'],
      ]);
      // Without the parameter, the listing means what it always meant: available tickets only.
      expect((await list()).tickets.map((ticket) => ticket.id)).toEqual([available!.id]);
    });

    it('when reserved and available tickets span pages, then the cursor walks them all once, newest first, with search too', async () => {
      const rows = sortedNewestFirst(await seed(9));
      for (const row of rows.filter((_, i) => i % 2 === 1)) {
        await bed.db.update(tickets).set({ orderId: randomUUID() }).where(eqId(row.id));
      }
      await bed.db.update(tickets).set({ withdrawnAt: new Date() }).where(eqId(rows[4]!.id));
      const expected = rows.filter((_, i) => i !== 4).map((row) => row.id);
      expect((await allPages({ include: 'reserved', limit: '3' })).ids).toEqual(expected);
      expect((await allPages({ include: 'reserved', q: 'show', limit: '2' })).ids).toEqual(expected);
    });

    it('when the listing includes reserved tickets, then PostgreSQL reads it from the partial index of unsold tickets', async () => {
      await seed(3);
      const plan = await bed.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const result = await tx.execute(
          sql.raw(`explain select id from tickets where sold_at is null and withdrawn_at is null
                   and (resale_lock is null or resale_lock = 'locked')
                   and (created_at, id) < (now(), '${randomUUID()}'::uuid)
                   order by created_at desc, id desc limit 21`),
        );
        return (result as unknown as { rows: { 'QUERY PLAN': string }[] }).rows
          .map((row) => row['QUERY PLAN'])
          .join('\n');
      });
      expect(plan).toContain('tickets_unsold_idx');
    });

    it('when include has another value, then it answers 400 naming include', async () => {
      const response = await request(bed.app()).get('/api/tickets').query({ include: 'sold' }).expect(400);
      expect(response.body.errors).toEqual([
        { field: 'include', message: 'Include must be reserved', code: 'VALIDATION_FAILED' },
      ]);
    });
  });

  describe('mine=true', () => {
    it("when signed in, then it lists the caller's own tickets in every state and nobody else's", async () => {
      const seller = aUser();
      const rows = sortedNewestFirst(await seed(3, { userId: seller.id }));
      await seed(2);
      await bed.db.update(tickets).set({ orderId: randomUUID() }).where(eqId(rows[0]!.id));
      await bed.db.update(tickets).set({ orderId: randomUUID(), soldAt: new Date() }).where(eqId(rows[1]!.id));

      const page = await list({ mine: 'true' }, seller.cookie);
      expect(page.tickets.map((ticket) => [ticket.id, ticket.status])).toEqual([
        [rows[0]!.id, 'reserved'],
        [rows[1]!.id, 'sold'],
        [rows[2]!.id, 'available'],
      ]);
      expect(page.tickets.every((ticket) => ticket.userId === seller.id)).toBe(true);
    });

    it('when the own listings span pages, then the cursor walks them', async () => {
      const seller = aUser();
      const rows = await seed(5, { userId: seller.id });
      const { ids } = await allPages({ mine: 'true', limit: '2' }, seller.cookie);
      expect(ids).toEqual(sortedNewestFirst(rows).map((row) => row.id));
    });

    it('when signed out, then it answers 401', async () => {
      const response = await request(bed.app()).get('/api/tickets').query({ mine: 'true' }).expect(401);
      expect(response.body).toEqual({ errors: [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }] });
    });

    it('when mine=false, then it is the public listing', async () => {
      await seed(2);
      expect((await list({ mine: 'false' })).tickets).toHaveLength(2);
    });
  });

  it.each([
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=101', { limit: '101' }, 'limit'],
    ['limit=-1', { limit: '-1' }, 'limit'],
    ['limit=2.5', { limit: '2.5' }, 'limit'],
    ['limit=abc', { limit: 'abc' }, 'limit'],
    ['limit=', { limit: '' }, 'limit'],
    ['limit=010', { limit: '010' }, 'limit'],
    ['mine=yes', { mine: 'yes' }, 'mine'],
    ['a q of 201 characters', { q: 'x'.repeat(201) }, 'q'],
    ['a q with a NUL character', { q: 'a\u0000' }, 'q'],
    ['a cursor that is not base64 JSON', { cursor: 'not-a-cursor' }, 'cursor'],
    [
      'a cursor with a bad id',
      { cursor: Buffer.from('{"t":"2024-01-01T00:00:00.000Z","id":"x"}').toString('base64url') },
      'cursor',
    ],
    [
      'a cursor on 30 February',
      { cursor: Buffer.from(`{"t":"2024-02-30T00:00:00.000Z","id":"${randomUUID()}"}`).toString('base64url') },
      'cursor',
    ],
    [
      'a cursor with extra keys',
      { cursor: Buffer.from(`{"t":"2024-01-01T00:00:00.000Z","id":"${randomUUID()}","x":1}`).toString('base64url') },
      'cursor',
    ],
    ['an unknown parameter', { page: '2' }, 'page'],
  ])('when the query has %s, then it answers 400 naming the parameter', async (_case, query, field) => {
    const response = await request(bed.app()).get('/api/tickets').query(query).expect(400);
    expect(response.body.errors).toEqual([{ field, message: expect.any(String), code: 'VALIDATION_FAILED' }]);
  });

  it('when a parameter is repeated, then it answers 400', async () => {
    const response = await request(bed.app()).get('/api/tickets?q=a&q=b').expect(400);
    expect(response.body.errors).toEqual([
      { field: 'q', message: 'Search must be a single string', code: 'VALIDATION_FAILED' },
    ]);
  });

  // A repeated limit used to reach the database as NaN (a 500), and a repeated mine was ignored.
  it.each([
    ['limit', 'limit=5&limit=6'],
    ['mine', 'mine=true&mine=true'],
  ])('when %s is repeated, then it answers 400 naming it', async (field, query) => {
    const response = await request(bed.app()).get(`/api/tickets?${query}`).expect(400);
    expect(response.body.errors).toEqual([{ field, message: expect.any(String), code: 'VALIDATION_FAILED' }]);
  });

  it('when a cursor this service issued is reused later, then it is still valid', async () => {
    const rows = sortedNewestFirst(await seed(3));
    const cursor = encodeCursor({ createdAt: rows[0]!.createdAt, id: rows[0]!.id });
    const page = await list({ cursor });
    expect(page.tickets.map((ticket) => ticket.id)).toEqual([rows[1]!.id, rows[2]!.id]);
  });
});

function sortedNewestFirst<T extends { createdAt: Date; id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
}

const eqId = (id: string) => eq(tickets.id, id);
