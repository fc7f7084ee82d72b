import {
  type BatchItem,
  Listener,
  type MessageContext,
  type OrderCreatedData,
  OrderStatus,
  Subjects,
} from '@ticketing/common';
import type { PassesDeps } from '../../domain/deps';
import { issuePassForOrder } from '../../domain/issue-pass';
import { recordOrderCreated, recordOrdersCreated } from '../../domain/replicas';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/**
 * order.created: stores the buyer, the ticket and the price a pass is issued with. A resync of a
 * complete order (orders republishing its state) also issues its pass if it has none. The events
 * waiting together are stored by one statement (applyBatch).
 */
export class OrderCreatedListener extends Listener<typeof Subjects.OrderCreated> {
  readonly subject = Subjects.OrderCreated;
  private readonly passes: PassesDeps;

  constructor({ passes, ...deps }: PassListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.passes = passes;
  }

  protected async onMessage(
    data: OrderCreatedData,
    { event, storedAt }: MessageContext<typeof Subjects.OrderCreated>,
  ): Promise<void> {
    const stored = await recordOrderCreated(this.passes.db, data, event.resync);
    this.logger.debug({ orderId: data.id, version: data.version, stored }, stored ? 'order stored' : 'duplicate');
    if (event.resync && data.status === OrderStatus.Complete) {
      const { outcome } = await issuePassForOrder(this.passes, {
        id: data.id,
        version: data.version,
        storedAt,
        correlationId: event.correlationId,
      });
      this.logger.info({ orderId: data.id, outcome }, 'pass of a resynced complete order');
    }
  }

  protected override async applyBatch(items: readonly BatchItem<typeof Subjects.OrderCreated>[]): Promise<void> {
    const stored = await recordOrdersCreated(
      this.passes.db,
      items.map((item) => item.data),
    );
    this.logger.debug({ orders: items.length, stored }, 'orders stored');
  }
}
