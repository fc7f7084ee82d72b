import { openApiDocument, paymentsApi } from '@ticketing/common';
import { exercisedOperations, signin } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { orders } from '../src/db/schema';
import {
  aPaymentIntent,
  aUser,
  createPaymentsTestBed,
  JWT_KEY,
  type PaymentsTestBed,
  signedStripeEvent,
} from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
afterAll(() => bed?.close());

// Every answer of every test is checked against the document (common's contracts-setup); this
// file also makes sure each documented operation is called at least once.
describe('the payments API contract', () => {
  it('when GET /api/payments/openapi.json is asked, signed out, then it answers the OpenAPI document', async () => {
    const response = await request(bed.app()).get('/api/payments/openapi.json').expect(200);
    expect(response.body).toEqual(openApiDocument(paymentsApi));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('when a buyer reads the mode and pays, Stripe reports the charge and a seller connects a payout account and reads their payouts, then every operation answers as documented', async () => {
    const buyer = aUser();
    const app = bed.app();
    const order = await bed.anOrder({ userId: buyer.id });

    await request(app).get('/api/payments/mode').expect(200);
    await request(app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id }).expect(400);
    await request(app)
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, token: 'tok_visa' })
      .expect(201);
    const [payment] = await bed.paymentsOf(order.id);
    const event = signedStripeEvent(
      'payment_intent.succeeded',
      aPaymentIntent({ id: payment!.stripeId, metadata: { orderId: order.id } }),
    );
    await request(app)
      .post('/api/payments/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', event.signature)
      .send(event.payload)
      .expect(200, { received: true });
    await request(app).post('/api/payments/webhook').send(event.payload).expect(400);
    const seller = aUser();
    await request(app).get('/api/payments/payout-account').set('Cookie', seller.cookie).expect(200);
    await request(app).post('/api/payments/payout-account').set('Cookie', seller.cookie).expect(200);
    await request(app).get('/api/payments/payouts?limit=0').set('Cookie', seller.cookie).expect(400);
    await request(app).get('/api/payments/payouts').set('Cookie', seller.cookie).expect(200);
    // The buyer claims, an operator refunds, and the buyer reads the order's history.
    const operator = { ...aUser(), cookie: signin({ jwtKey: JWT_KEY, email: 'ops@ticketing.dev' }) };
    const withOperators = bed.app({ OPERATOR_EMAILS: ['ops@ticketing.dev'] });
    await bed.db.update(orders).set({ status: 'complete', version: 1 }).where(eq(orders.id, order.id));
    await request(app).post('/api/payments/claims').set('Cookie', buyer.cookie).send({ orderId: order.id }).expect(400);
    const claim = await request(app)
      .post('/api/payments/claims')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, message: 'Refused at the door' })
      .expect(201);
    await request(withOperators).get('/api/payments/claims?status=open').set('Cookie', operator.cookie).expect(200);
    await request(app)
      .post(`/api/payments/claims/${claim.body.id}/resolve`)
      .set('Cookie', buyer.cookie)
      .send({ decision: 'refund' })
      .expect(403);
    await request(withOperators)
      .post(`/api/payments/claims/${claim.body.id}/resolve`)
      .set('Cookie', operator.cookie)
      .send({ decision: 'refund' })
      .expect(200);
    await request(app).get(`/api/payments/orders/${order.id}/history`).set('Cookie', buyer.cookie).expect(200);

    expect([...exercisedOperations()].sort()).toEqual(paymentsApi.operations.map((o) => o.operationId).sort());
  });
});
