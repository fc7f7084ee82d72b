import { openApiDocument, ordersApi } from '@ticketing/common';
import { exercisedOperations } from '@ticketing/common/testing';
import request from 'supertest';
import { aUser, createOrdersTestBed, type OrdersTestBed } from './harness';

let bed: OrdersTestBed;
beforeAll(async () => {
  bed = await createOrdersTestBed();
});
afterAll(() => bed?.close());

// Every answer of every test is checked against the document (common's contracts-setup); this
// file also makes sure each documented operation is called at least once.
describe('the orders API contract', () => {
  it('when GET /api/orders/openapi.json is asked, signed out, then it answers the OpenAPI document', async () => {
    const response = await request(bed.app()).get('/api/orders/openapi.json').expect(200);
    expect(response.body).toEqual(openApiDocument(ordersApi));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('when a buyer reserves, lists, reads and cancels an order, then every operation answers as documented', async () => {
    const buyer = aUser();
    const app = bed.app();
    const created = await request(app)
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .send({ ticketId: (await bed.aTicket()).id });
    expect(created.status).toBe(201);
    await request(app).get('/api/orders').set('Cookie', buyer.cookie).expect(200);
    await request(app).get(`/api/orders/${created.body.id}`).set('Cookie', buyer.cookie).expect(200);
    await request(app).delete(`/api/orders/${created.body.id}`).set('Cookie', buyer.cookie).expect(204);
    await request(app).delete(`/api/orders/${created.body.id}`).expect(401);

    expect([...exercisedOperations()].sort()).toEqual(ordersApi.operations.map((o) => o.operationId).sort());
  });
});
