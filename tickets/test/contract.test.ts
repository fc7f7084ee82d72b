import { randomUUID } from 'node:crypto';
import { openApiDocument, ticketsApi } from '@ticketing/common';
import { exercisedOperations } from '@ticketing/common/testing';
import request from 'supertest';
import { aUser, createTicketsTestBed, type TicketsTestBed } from './harness';

let bed: TicketsTestBed;
beforeAll(async () => {
  bed = await createTicketsTestBed();
});
afterAll(() => bed?.close());

// Every answer of every test is checked against the document (common's contracts-setup); this
// file also makes sure each documented operation is called at least once.
describe('the tickets API contract', () => {
  it('when GET /api/tickets/openapi.json is asked, signed out, then it answers the OpenAPI document', async () => {
    const response = await request(bed.app()).get('/api/tickets/openapi.json').expect(200);
    expect(response.body).toEqual(openApiDocument(ticketsApi));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('when a seller lists, browses, reads, edits, unlists and relists a ticket and an organizer runs an event, then every operation answers as documented', async () => {
    const seller = aUser();
    const app = bed.app();
    const created = await request(app)
      .post('/api/tickets')
      .set('Cookie', seller.cookie)
      .send({ title: 'Concert, row F', price: 45 });
    expect(created.status).toBe(201);
    await request(app)
      .post('/api/tickets')
      .set('Cookie', seller.cookie)
      .send({ title: 'Cheap', price: 0.1 })
      .expect(400);
    await request(app).get('/api/tickets').query({ limit: '1' }).expect(200);
    await request(app).get('/api/tickets').query({ mine: 'true' }).set('Cookie', seller.cookie).expect(200);
    await request(app).get('/api/tickets').query({ mine: 'true' }).expect(401);
    await request(app).get(`/api/tickets/${created.body.id}`).expect(200);
    await request(app).get(`/api/tickets/${randomUUID()}`).expect(404);
    await request(app)
      .put(`/api/tickets/${created.body.id}`)
      .set('Cookie', seller.cookie)
      .send({ title: 'Concert, row G', price: 50 })
      .expect(200);
    await request(app)
      .put(`/api/tickets/${created.body.id}`)
      .set('Cookie', aUser().cookie)
      .send({ title: 'Mine now', price: 50 })
      .expect(401);
    await request(app).get('/api/tickets').query({ include: 'reserved' }).expect(200);
    await request(app).post(`/api/tickets/${created.body.id}/withdraw`).set('Cookie', seller.cookie).expect(200);
    await request(app).post(`/api/tickets/${created.body.id}/withdraw`).set('Cookie', seller.cookie).expect(409);
    await request(app).post(`/api/tickets/${created.body.id}/relist`).set('Cookie', seller.cookie).expect(200);
    await request(app).post(`/api/tickets/${created.body.id}/relist`).set('Cookie', seller.cookie).expect(409);
    await request(app).post(`/api/tickets/${randomUUID()}/relist`).set('Cookie', seller.cookie).expect(404);

    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const event = await request(app)
      .post('/api/events')
      .set('Cookie', seller.cookie)
      .send({ name: 'Jazz night', venue: 'Blue Hall', city: 'Lyon', startsAt, category: 'concert' })
      .expect(201);
    await request(app)
      .post('/api/events')
      .set('Cookie', seller.cookie)
      .send({ name: 'Gone', venue: 'Hall', city: 'Lyon', startsAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    await request(app)
      .post('/api/tickets')
      .set('Cookie', seller.cookie)
      .send({
        title: 'Seat',
        price: 30,
        eventId: event.body.id,
        faceValue: 25,
        seat: { section: 'A', row: '1', seat: '2' },
      })
      .expect(201);
    await request(app)
      .post('/api/tickets')
      .set('Cookie', seller.cookie)
      .send({ title: 'Seat', price: 30, eventId: randomUUID() })
      .expect(404);
    await request(app).get('/api/events').query({ q: 'jazz', sort: 'price', limit: '1' }).expect(200);
    await request(app).get('/api/events').query({ from: startsAt, to: '2020-01-01T00:00:00Z' }).expect(400);
    await request(app).get(`/api/events/${event.body.id}`).expect(200);
    await request(app).get(`/api/events/${randomUUID()}`).expect(404);
    await request(app)
      .put(`/api/events/${event.body.id}`)
      .set('Cookie', seller.cookie)
      .send({ name: 'Jazz night', venue: 'Red Hall', city: 'Lyon', startsAt })
      .expect(200);
    await request(app)
      .put(`/api/events/${event.body.id}`)
      .set('Cookie', aUser().cookie)
      .send({ name: 'Mine', venue: 'Red Hall', city: 'Lyon', startsAt })
      .expect(401);

    expect([...exercisedOperations()].sort()).toEqual(ticketsApi.operations.map((o) => o.operationId).sort());
  });
});
