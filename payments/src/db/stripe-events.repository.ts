import type { Executor } from '@ticketing/common';
import { stripeEvents } from './schema';

/**
 * Records a Stripe event id; true the first time, false for a redelivery. Call it in the
 * transaction of the event's effect, so the effect and the record commit together.
 */
export async function recordStripeEvent(tx: Executor, event: { id: string; type: string }): Promise<boolean> {
  const inserted = await tx
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  return inserted.length > 0;
}
