import { enqueueEvent } from '@ticketing/common';
import { ordersAfter } from '../db/orders.repository';
import { orderCreatedEvent } from '../events/order-events';
import type { OrdersDeps } from './deps';

const PAGE = 500;

/**
 * `npm run events -- resync orders`: republishes every order's current state (status, version,
 * amounts, reservation number, the ticket's seller and event) as a resync order.created, through the outbox, a page per
 * transaction. Replicas apply it whatever version they hold, and tickets follows the status
 * (reserved, released or sold): how they converge after orders' database was restored from a
 * backup. Resolves with how many orders were republished.
 */
export async function resyncOrders(orders: OrdersDeps, correlationId: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await ordersAfter(orders.db, after, PAGE);
    if (page.length === 0) return count;
    await orders.relay.transaction(async (tx) => {
      for (const order of page) {
        await enqueueEvent(tx, orderCreatedEvent(order, orders.currency, { correlationId, resync: true }));
      }
    });
    count += page.length;
    after = page.at(-1)?.id;
  }
}
