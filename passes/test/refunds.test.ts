import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import { waitFor } from '@ticketing/common/testing';
import request from 'supertest';
import { anOrderCreated, aResaleListing, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

/** payments took the sale of `orderId` back: its buyer was refunded. */
const refund = (orderId: string, ticketId: string, paymentId = randomUUID()) =>
  bed.publish(Subjects.PaymentRefunded, { id: paymentId, orderId, ticketId, refundedAt: new Date().toISOString() });

const scan = (cookie: string[], code: string) =>
  request(bed.app()).post('/api/passes/scan').set('Cookie', cookie).send({ code });

describe('payment.refunded: the refunded buyer keeps no pass', () => {
  it('when the buyer of a valid pass is refunded, then the pass is revoked (refunded, replaced by nothing), pass.revoked says so, and the door refuses it', async () => {
    const { organizer, event, holder, pass } = await bed.aHeldPass(5_000);

    await refund(pass.orderId, pass.ticketId);

    const revoked = await waitFor(async () => {
      const row = await bed.passNow(pass.id);
      return row.status === 'revoked' ? row : undefined;
    });
    expect(revoked).toMatchObject({ revocationReason: 'refunded', replacedBy: null, version: 1, listingId: null });
    const [event_] = await bed.published(Subjects.PassRevoked, pass.id);
    expect(event_?.data).toEqual({
      id: pass.id,
      version: 1,
      ticketId: pass.ticketId,
      eventId: event.id,
      holderId: holder.id,
      generation: 1,
      reason: 'refunded',
      replacedBy: null,
      revokedAt: revoked.revokedAt?.toISOString(),
    });

    const refused = await scan(organizer.cookie, pass.code).expect(409);
    expect(refused.body.errors).toEqual([
      { message: 'This pass was revoked: its buyer was refunded', code: 'PASS_REVOKED' },
    ]);
    const mine = await request(bed.app()).get('/api/passes').set('Cookie', holder.cookie).expect(200);
    expect(mine.body.passes).toEqual([
      expect.objectContaining({ id: pass.id, status: 'revoked', revocationReason: 'refunded' }),
    ]);
    const offline = await request(bed.app())
      .get('/api/passes/revocations')
      .query({ eventId: event.id })
      .set('Cookie', organizer.cookie)
      .expect(200);
    expect(offline.body.revoked).toEqual([pass.id]);
  });

  it('when payment.refunded is delivered again, then the pass is revoked once and one pass.revoked is published', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const refunded = await refund(pass.orderId, pass.ticketId);
    await bed.publishAgain(refunded);
    await bed.publishAgain(refunded);
    await bed.settled(Subjects.PaymentRefunded);

    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'revoked', version: 1 });
    expect(await bed.published(Subjects.PassRevoked, pass.id)).toHaveLength(1);
  });

  it('when the pass is listed for resale, then it is revoked all the same and its lock is released', async () => {
    const { pass } = await bed.aHeldPass(5_000);
    const listing = aResaleListing(pass);
    await bed.publish(Subjects.TicketCreated, listing);
    await waitFor(async () => (await bed.passNow(pass.id)).status === 'listed');

    await refund(pass.orderId, pass.ticketId);

    expect(
      await waitFor(async () => ((await bed.passNow(pass.id)).status === 'revoked' ? bed.passNow(pass.id) : undefined)),
    ).toMatchObject({ revocationReason: 'refunded', listingId: null, version: 2 });
    const [revoked] = await bed.published(Subjects.PassRevoked, pass.id);
    expect(revoked?.data).toMatchObject({ version: 2, reason: 'refunded' });
  });

  it('when the pass was admitted at the door before the refund, then it stays admitted and nothing is published', async () => {
    const { organizer, pass } = await bed.aHeldPass(5_000);
    await scan(organizer.cookie, pass.code).expect(200);

    await refund(pass.orderId, pass.ticketId);
    await bed.settled(Subjects.PaymentRefunded);

    expect(await bed.passNow(pass.id)).toMatchObject({ status: 'admitted', revocationReason: null });
    expect(await bed.published(Subjects.PassRevoked)).toEqual([]);
  });

  it('when the ticket was resold since, then the refunded pass stays revoked as reissued and the new holder keeps theirs', async () => {
    const ticket = await bed.aTicket(null);
    const first = await bed.buy(ticket.id);
    const second = await bed.buy(ticket.id);

    await refund(first.orderId, ticket.id);
    await bed.settled(Subjects.PaymentRefunded);

    expect(await bed.passNow(first.id)).toMatchObject({ status: 'revoked', revocationReason: 'reissued' });
    expect(await bed.passNow(second.id)).toMatchObject({ status: 'valid' });
    expect(await bed.published(Subjects.PassRevoked)).toHaveLength(1);
  });

  it('when the refund arrives before order.completed, then the pass is revoked as it is issued: pass.issued, then pass.revoked', async () => {
    const ticket = await bed.aTicket(null);
    const order = anOrderCreated({ ticket: { id: ticket.id, price: 2_000, currency: 'usd' } });
    await bed.publish(Subjects.OrderCreated, order);
    await waitFor(() => bed.order(order.id));
    await refund(order.id, ticket.id);
    await bed.settled(Subjects.PaymentRefunded);
    expect(await bed.passOfOrder(order.id)).toBeUndefined();

    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: ticket.id } });

    const pass = await waitFor(() => bed.passOfOrder(order.id));
    expect(pass).toMatchObject({ status: 'revoked', revocationReason: 'refunded', generation: 1, version: 1 });
    const issued = await bed.published(Subjects.PassIssued, pass.id);
    const revoked = await bed.published(Subjects.PassRevoked, pass.id);
    expect(issued.map((event) => event.data.version)).toEqual([0]);
    expect(revoked.map((event) => [event.data.version, event.data.reason])).toEqual([[1, 'refunded']]);
  });

  it('when the refund arrives before the order is known, then it is retried until order.created comes', async () => {
    const ticket = await bed.aTicket(null);
    const order = anOrderCreated({ ticket: { id: ticket.id, price: 2_000, currency: 'usd' } });
    await refund(order.id, ticket.id);
    await waitFor(async () => (await bed.consumer(Subjects.PaymentRefunded)).num_redelivered > 0);

    await bed.publish(Subjects.OrderCreated, order);
    await bed.settled(Subjects.PaymentRefunded);
    await bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: ticket.id } });

    expect(await waitFor(() => bed.passOfOrder(order.id))).toMatchObject({ status: 'revoked' });
  });

  it('when order.completed and payment.refunded of many orders arrive at once, then every one of their passes ends revoked', async () => {
    const orders = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const ticket = await bed.aTicket(null);
        const order = anOrderCreated({ ticket: { id: ticket.id, price: 2_000, currency: 'usd' } });
        await bed.publish(Subjects.OrderCreated, order);
        return order;
      }),
    );
    await bed.settled(Subjects.OrderCreated);

    await Promise.all(
      orders.flatMap((order) => [
        bed.publish(Subjects.OrderCompleted, { id: order.id, version: 1, ticket: { id: order.ticket.id } }),
        refund(order.id, order.ticket.id),
      ]),
    );
    await bed.settled(Subjects.OrderCompleted);
    await bed.settled(Subjects.PaymentRefunded);

    for (const order of orders) {
      expect(await bed.passOfOrder(order.id)).toMatchObject({ status: 'revoked', revocationReason: 'refunded' });
    }
    expect(await bed.published(Subjects.PassRevoked)).toHaveLength(20);
  });
});
