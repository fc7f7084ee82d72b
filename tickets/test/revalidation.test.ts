import request from 'supertest';
import { aTicket, aUser, createTicketsTestBed, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

/** Reads `path` as a browser keeping its answer would: the first time, then with its ETag. */
async function readAndRevalidate(path: string) {
  const first = await request(bed.app()).get(path).expect(200);
  expect(first.headers['cache-control']).toBe('private, no-cache');
  const etag = first.headers.etag as string;
  expect(etag).toMatch(/^W\/".+"$/);
  const again = await request(bed.app()).get(path).set('If-None-Match', etag).expect(304);
  expect(again.text).toBe('');
  return { etag, body: first.body };
}

describe('revalidated public reads', () => {
  it('when a buyer revalidates the listing or a ticket it holds, then an unchanged one answers 304 without a body, and after the seller’s edit the edit', async () => {
    const ticket = await aTicket(bed, { title: 'Concert', price: 20 });
    const listing = await readAndRevalidate('/api/tickets');
    const shown = await readAndRevalidate(`/api/tickets/${ticket.id}`);

    await request(bed.app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', ticket.seller.cookie)
      .send({ title: 'Concert, front row', price: 25 })
      .expect(200);

    const listed = await request(bed.app()).get('/api/tickets').set('If-None-Match', listing.etag).expect(200);
    expect(listed.body.tickets[0]).toMatchObject({ id: ticket.id, title: 'Concert, front row', price: 25 });
    const reread = await request(bed.app())
      .get(`/api/tickets/${ticket.id}`)
      .set('If-None-Match', shown.etag)
      .expect(200);
    expect(reread.body).toMatchObject({ title: 'Concert, front row', price: 25, version: 1 });
  });

  it('when a visitor revalidates the catalog or an event, then an unchanged one answers 304, and after the organizer’s edit the edit', async () => {
    const organizer = aUser();
    const startsAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const created = await request(bed.app())
      .post('/api/events')
      .set('Cookie', organizer.cookie)
      .send({ name: 'Jazz night', venue: 'Blue Hall', city: 'Lyon', startsAt })
      .expect(201);
    const catalog = await readAndRevalidate('/api/events');
    const event = await readAndRevalidate(`/api/events/${created.body.id}`);

    await request(bed.app())
      .put(`/api/events/${created.body.id}`)
      .set('Cookie', organizer.cookie)
      .send({ name: 'Jazz night, second set', venue: 'Blue Hall', city: 'Lyon', startsAt })
      .expect(200);

    const listed = await request(bed.app()).get('/api/events').set('If-None-Match', catalog.etag).expect(200);
    expect(listed.body.events[0]).toMatchObject({ id: created.body.id, name: 'Jazz night, second set' });
    const reread = await request(bed.app())
      .get(`/api/events/${created.body.id}`)
      .set('If-None-Match', event.etag)
      .expect(200);
    expect(reread.body).toMatchObject({ name: 'Jazz night, second set' });
  });

  it('when an ETag names another answer, then the read answers 200 with the body', async () => {
    await aTicket(bed);
    const response = await request(bed.app()).get('/api/tickets').set('If-None-Match', 'W/"0-0"').expect(200);
    expect(response.body.tickets).toHaveLength(1);
  });
});
