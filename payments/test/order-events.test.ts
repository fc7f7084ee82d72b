import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { type BatchItem, type OrderCreatedData, OrderStatus, Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import { OrderCreatedListener } from '../src/events/listeners/order-created.listener';
import { createPaymentsTestBed, type PaymentsTestBed } from './harness';

let bed: PaymentsTestBed;
beforeAll(async () => {
  bed = await createPaymentsTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const created = (overrides: Partial<OrderCreatedData> = {}): OrderCreatedData => ({
  id: randomUUID(),
  version: 0,
  status: OrderStatus.Created,
  userId: randomUUID(),
  expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  ticket: { id: randomUUID(), price: 2500 },
  ...overrides,
});

const next = (order: OrderCreatedData, version: number) => ({ id: order.id, version, ticket: { id: order.ticket.id } });

describe('order.created', () => {
  it('when an order is created, then its replica is stored with the owner, amounts in cents, seller, event, expiry and version', async () => {
    const [sellerId, eventId] = [randomUUID(), randomUUID()];
    const order = created({ buyerFee: 250, total: 2750, ticket: { id: randomUUID(), price: 2500, sellerId, eventId } });
    await bed.publish(Subjects.OrderCreated, order);

    const stored = await waitFor(() => bed.order(order.id));
    expect(stored).toEqual({
      id: order.id,
      userId: order.userId,
      status: 'created',
      priceCents: 2500,
      buyerFeeCents: 250,
      totalCents: 2750,
      sellerId,
      eventId,
      expiresAt: new Date(order.expiresAt),
      version: 0,
    });
  });

  it('when the same order.created arrives twice, then it is acked and the replica is unchanged', async () => {
    const order = created();
    const event = await bed.publish(Subjects.OrderCreated, order);
    await waitFor(() => bed.order(order.id));
    await bed.publish(Subjects.OrderCancelled, next(order, 1));
    await waitFor(async () => (await bed.order(order.id))?.version === 1);

    await bed.publishAgain(event);
    await bed.settled(Subjects.OrderCreated);

    expect(await bed.order(order.id)).toMatchObject({ version: 1, status: 'cancelled' });
  });

  it('when the payload breaks the contract, then it is terminated rather than retried, and later events still flow', async () => {
    await jetstream(bed.nc).publish(Subjects.OrderCreated, new TextEncoder().encode('{"not":"an event"}'));
    const order = created();
    await bed.publish(Subjects.OrderCreated, order);
    await bed.settled(Subjects.OrderCreated);
    expect(await bed.order(order.id)).toBeDefined();
  });
});

describe('the currency of order.created', () => {
  it('when order.created carries PAYMENT_CURRENCY, then the replica is stored with its price', async () => {
    const order = created({ ticket: { id: randomUUID(), price: 2500, currency: 'usd' } });
    await bed.publish(Subjects.OrderCreated, order);
    expect(await waitFor(() => bed.order(order.id))).toMatchObject({ priceCents: 2500 });
  });

  it('when order.created is priced in another currency than PAYMENT_CURRENCY, then it is not stored (nothing could charge it) but retried', async () => {
    const order = created({ ticket: { id: randomUUID(), price: 2500, currency: 'jpy' } });
    await bed.publish(Subjects.OrderCreated, order);

    await waitFor(async () => (await bed.consumer(Subjects.OrderCreated)).num_redelivered > 0);
    expect(await bed.order(order.id)).toBeUndefined();
  });

  it('when orders wait together and one is in another currency, then the others are stored and that one alone is retried', async () => {
    type Apply = (items: readonly BatchItem<typeof Subjects.OrderCreated>[]) => Promise<void>;
    const applyBatch = jest.spyOn(OrderCreatedListener.prototype as unknown as { applyBatch: Apply }, 'applyBatch');
    // Nothing left over from an earlier test (a retried order) on the consumer.
    await bed.settled(Subjects.OrderCreated);
    const first = created();
    const group = [created(), created({ ticket: { id: randomUUID(), price: 2500, currency: 'jpy' } }), created()];
    await bed.deliverAsGroup('orders', Subjects.OrderCreated, first, group);

    await waitFor(async () => (await bed.order(group[0]!.id)) && (await bed.order(group[2]!.id)));
    await waitFor(async () => (await bed.consumer(Subjects.OrderCreated)).num_redelivered > 0);
    expect(applyBatch.mock.calls.map(([items]) => items.map((item) => item.data.id))).toEqual([
      group.map((order) => order.id),
    ]);
    expect(await bed.order(first.id)).toBeDefined();
    expect(await bed.order(group[0]!.id)).toBeDefined();
    expect(await bed.order(group[1]!.id)).toBeUndefined();
    expect(await bed.order(group[2]!.id)).toBeDefined();
    applyBatch.mockRestore();
  });
});

describe('order.cancelled and order.completed', () => {
  it('when the order is cancelled, then the replica is cancelled at version 1', async () => {
    const order = created();
    await bed.publish(Subjects.OrderCreated, order);
    await bed.publish(Subjects.OrderCancelled, next(order, 1));
    await waitFor(async () => (await bed.order(order.id))?.status === 'cancelled');
    expect(await bed.order(order.id)).toMatchObject({ version: 1 });
  });

  it('when the order is completed, then the replica is complete at version 1', async () => {
    const order = created();
    await bed.publish(Subjects.OrderCreated, order);
    await bed.publish(Subjects.OrderCompleted, next(order, 1));
    await waitFor(async () => (await bed.order(order.id))?.status === 'complete');
    expect(await bed.order(order.id)).toMatchObject({ version: 1 });
  });

  it('when order.cancelled is delivered again, then it is acked as a duplicate and changes nothing', async () => {
    const order = created();
    await bed.publish(Subjects.OrderCreated, order);
    const cancelled = await bed.publish(Subjects.OrderCancelled, next(order, 1));
    await waitFor(async () => (await bed.order(order.id))?.version === 1);

    await bed.publishAgain(cancelled);
    await bed.settled(Subjects.OrderCancelled);

    expect(await bed.order(order.id)).toMatchObject({ version: 1, status: 'cancelled' });
  });

  it('when order.cancelled arrives before order.created, then it is retried and applied once the order exists', async () => {
    const order = created();
    await bed.publish(Subjects.OrderCancelled, next(order, 1));
    await waitFor(async () => (await bed.consumer(Subjects.OrderCancelled)).num_redelivered > 0);
    expect(await bed.order(order.id)).toBeUndefined();

    await bed.publish(Subjects.OrderCreated, order);

    await waitFor(async () => (await bed.order(order.id))?.status === 'cancelled');
    expect(await bed.order(order.id)).toMatchObject({ version: 1 });
  });

  it('when version 2 arrives before version 1, then it waits for version 1 and the end state is as in order', async () => {
    const order = created();
    await bed.publish(Subjects.OrderCreated, order);
    await waitFor(() => bed.order(order.id));

    await bed.publish(Subjects.OrderCompleted, next(order, 2));
    await waitFor(async () => (await bed.consumer(Subjects.OrderCompleted)).num_redelivered > 0);
    expect(await bed.order(order.id)).toMatchObject({ version: 0, status: 'created' });

    await bed.publish(Subjects.OrderCancelled, next(order, 1));
    await waitFor(async () => (await bed.order(order.id))?.version === 2);
    expect(await bed.order(order.id)).toMatchObject({ status: 'complete' });
  });

  it('when order.completed is delivered again after the order moved on, then it is acked as a duplicate', async () => {
    const order = created();
    await bed.publish(Subjects.OrderCreated, order);
    const completed = await bed.publish(Subjects.OrderCompleted, next(order, 1));
    await waitFor(async () => (await bed.order(order.id))?.version === 1);
    await bed.publishAgain(completed);
    await bed.settled(Subjects.OrderCompleted);
    expect(await bed.order(order.id)).toMatchObject({ version: 1, status: 'complete' });
  });
});
