import { randomUUID } from 'node:crypto';
import { createEvent, type OrderCreatedData, OrderStatus, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { sandboxPaymentIntents } from '../src/db/schema';
import { aUser, createPaymentsTestBed, type PaymentsTestBed } from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const orderCreated = (userId: string, amounts: Partial<OrderCreatedData> = {}): OrderCreatedData => ({
  id: randomUUID(),
  version: 0,
  status: OrderStatus.Created,
  userId,
  expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  ticket: { id: randomUUID(), price: 4500 },
  ...amounts,
});

async function payOnceReplicated(order: OrderCreatedData, cookie: string[]) {
  await bed.publish(Subjects.OrderCreated, order);
  await waitFor(() => bed.order(order.id));
  await request(bed.app())
    .post('/api/payments')
    .set('Cookie', cookie)
    .send({ orderId: order.id, token: 'tok_visa' })
    .expect(201);
  const [payment] = await bed.paymentsOf(order.id);
  const intents = await bed.db
    .select()
    .from(sandboxPaymentIntents)
    .where(eq(sandboxPaymentIntents.id, payment!.stripeId!));
  return { payment, intents };
}

describe('the amount payments charges', () => {
  it('when order.created says the total is $49.50 (a $45.00 ticket and a $4.50 fee), then the buyer is charged $49.50 and the sandbox records it', async () => {
    const buyer = aUser();
    const order = orderCreated(buyer.id, {
      buyerFee: 450,
      total: 4950,
      ticket: { id: randomUUID(), price: 4500, sellerId: randomUUID(), eventId: null },
    });

    const { payment, intents } = await payOnceReplicated(order, buyer.cookie);

    expect(payment).toMatchObject({ status: 'succeeded', amount: 4950 });
    expect(intents).toEqual([expect.objectContaining({ amount: 4950, currency: 'usd' })]);
  });

  it('when order.created comes from before fees (no buyerFee, no total), then the replica has fee 0 and total = price, and the price is charged', async () => {
    const buyer = aUser();
    const order = orderCreated(buyer.id);

    const { payment, intents } = await payOnceReplicated(order, buyer.cookie);

    expect(await bed.order(order.id)).toMatchObject({
      priceCents: 4500,
      buyerFeeCents: 0,
      totalCents: 4500,
      sellerId: null,
      eventId: null,
    });
    expect(payment).toMatchObject({ amount: 4500 });
    expect(intents).toEqual([expect.objectContaining({ amount: 4500 })]);
  });

  it('when a resync order.created carries the amounts, then the replica takes them', async () => {
    const buyer = aUser();
    const stale = await bed.anOrder({ userId: buyer.id, priceCents: 4500 });
    const sellerId = randomUUID();

    // orders republishing its state (npm run events -- resync orders) for an order replicated before fees.
    await bed.publishAgain(
      createEvent(
        Subjects.OrderCreated,
        {
          ...orderCreated(buyer.id),
          id: stale.id,
          version: 1,
          buyerFee: 450,
          total: 4950,
          ticket: { id: randomUUID(), price: 4500, sellerId, eventId: null },
        },
        { resync: true },
      ),
    );

    await waitFor(async () => (await bed.order(stale.id))?.totalCents === 4950);
    expect(await bed.order(stale.id)).toMatchObject({ buyerFeeCents: 450, totalCents: 4950, sellerId, version: 1 });
  });
});
