import {
  type BatchItem,
  type EventData,
  Listener,
  type ListenerDeps,
  type MessageContext,
  Subjects,
} from '@ticketing/common';
import { type ScheduleExpirationDeps, scheduleExpiration, scheduleExpirations } from '../../domain/schedule-expiration';

type OrderCreated = typeof Subjects.OrderCreated;

/**
 * order.created → the order's delayed expiration job (idempotent, so redeliveries are harmless).
 * The events waiting together get their jobs in one addBulk (applyBatch).
 */
export class OrderCreatedListener extends Listener<OrderCreated> {
  readonly subject = Subjects.OrderCreated;
  private readonly scheduler: ScheduleExpirationDeps;

  constructor({ scheduler, ...deps }: ListenerDeps & { scheduler: ScheduleExpirationDeps }) {
    super(deps);
    this.scheduler = scheduler;
  }

  protected async onMessage(data: EventData<OrderCreated>, { event }: MessageContext<OrderCreated>): Promise<void> {
    await scheduleExpiration(this.scheduler, {
      orderId: data.id,
      expiresAt: data.expiresAt,
      correlationId: event.correlationId,
    });
  }

  protected override async applyBatch(items: readonly BatchItem<OrderCreated>[]): Promise<void> {
    await scheduleExpirations(
      this.scheduler,
      items.map(({ data, event }) => ({
        orderId: data.id,
        expiresAt: data.expiresAt,
        correlationId: event.correlationId,
      })),
    );
  }
}
