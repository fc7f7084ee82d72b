import { randomUUID } from 'node:crypto';
import { signin, waitFor } from '@ticketing/common/testing';
import { createApi } from './api';
import { type Platform, startPlatform } from './platform';

jest.setTimeout(240_000);

const JWT_KEY = 'e2e-payment-signing-key-0123456789abcdef';
let platform: Platform;
let api: ReturnType<typeof createApi>;

const cookieFor = (id = randomUUID()) =>
  signin({ jwtKey: JWT_KEY, id, email: `${id.slice(0, 8)}@test.dev` }).join('; ');

/** A seller lists a ticket and a buyer reserves it once orders has learnt of it. */
async function reserve(price = 42.5) {
  const seller = cookieFor();
  const buyer = cookieFor();
  const ticket = await api('POST', '/api/tickets', {
    cookie: seller,
    json: { title: `Show ${randomUUID().slice(0, 6)}`, price },
  });
  expect(ticket.status).toBe(201);
  const order = await waitFor(async () => {
    const response = await api('POST', '/api/orders', { cookie: buyer, json: { ticketId: ticket.body.id } });
    return response.status === 404 ? false : response;
  });
  expect(order.status).toBe(201);
  // payments learns of the order from order.created.
  await waitFor(async () => {
    const probe = await api('POST', '/api/payments', {
      cookie: buyer,
      json: { orderId: order.body.id, token: 'tok_nope' },
    });
    return probe.status !== 404;
  });
  return { seller, buyer, ticketId: ticket.body.id as string, orderId: order.body.id as string };
}

beforeAll(async () => {
  // A 10-second window leaves time to pay in the first tests and lets the last one expire quickly.
  platform = await startPlatform({ JWT_KEY, EXPIRATION_WINDOW_SECONDS: '10' });
  api = createApi(platform.url);
});

afterAll(async () => {
  await platform?.stop();
});

describe('paying for a reservation in the sandbox', () => {
  it('when the buyer pays with tok_visa, then the order completes and the ticket is sold for good', async () => {
    const { seller, buyer, ticketId, orderId } = await reserve();

    const payment = await api('POST', '/api/payments', { cookie: buyer, json: { orderId, token: 'tok_visa' } });
    expect(payment.status).toBe(201);
    expect(payment.body.id).toEqual(expect.any(String));

    await waitFor(
      async () => (await api('GET', `/api/orders/${orderId}`, { cookie: buyer })).body.status === 'complete',
    );
    await waitFor(async () => (await api('GET', `/api/tickets/${ticketId}`)).body.status === 'sold');

    const listing = await api('GET', '/api/tickets?limit=100');
    expect(listing.body.tickets.map((t: { id: string }) => t.id)).not.toContain(ticketId);
    const edit = await api('PUT', `/api/tickets/${ticketId}`, { cookie: seller, json: { title: 'Resold', price: 10 } });
    expect(edit.status).toBe(400);
    const again = await api('POST', '/api/orders', { cookie: cookieFor(), json: { ticketId } });
    expect(again.status).toBe(400);
    const twice = await api('POST', '/api/payments', { cookie: buyer, json: { orderId, token: 'tok_visa' } });
    expect(twice.status).toBe(400);
  });

  it('when the card is declined, then it answers 402 with the decline message and the order stays payable', async () => {
    const { buyer, orderId } = await reserve();

    const declined = await api('POST', '/api/payments', {
      cookie: buyer,
      json: { orderId, token: 'tok_chargeDeclined' },
    });
    expect(declined.status).toBe(402);
    expect(declined.body.errors[0].message).toBe('Your card was declined.');
    expect((await api('GET', `/api/orders/${orderId}`, { cookie: buyer })).body.status).toBe('created');

    const paid = await api('POST', '/api/payments', { cookie: buyer, json: { orderId, token: 'tok_mastercard' } });
    expect(paid.status).toBe(201);
  });

  it('when the reservation has expired, then paying answers 400', async () => {
    const { buyer, orderId } = await reserve();
    await waitFor(
      async () => (await api('GET', `/api/orders/${orderId}`, { cookie: buyer })).body.status === 'cancelled',
      {
        timeoutMs: 20_000,
      },
    );
    const late = await api('POST', '/api/payments', { cookie: buyer, json: { orderId, token: 'tok_visa' } });
    expect(late.status).toBe(400);
  });
});
