import { Listener, type MessageContext, type OrderCompletedData, Subjects } from '@ticketing/common';
import type { PassesDeps } from '../../domain/deps';
import { issuePassForOrder } from '../../domain/issue-pass';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/** order.completed: the buyer gets a signed pass (and a resold ticket's previous pass is revoked), once per order. */
export class OrderCompletedListener extends Listener<typeof Subjects.OrderCompleted> {
  readonly subject = Subjects.OrderCompleted;
  private readonly passes: PassesDeps;

  constructor({ passes, ...deps }: PassListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.passes = passes;
  }

  protected async onMessage(
    data: OrderCompletedData,
    { event, storedAt }: MessageContext<typeof Subjects.OrderCompleted>,
  ): Promise<void> {
    const result = await issuePassForOrder(this.passes, {
      id: data.id,
      version: data.version,
      storedAt,
      correlationId: event.correlationId,
    });
    if (result.outcome === 'issued') {
      this.logger.info(
        {
          orderId: data.id,
          passId: result.pass.id,
          generation: result.pass.generation,
          revokedPassId: result.revoked?.id,
        },
        'pass issued',
      );
    } else {
      this.logger.debug({ orderId: data.id, outcome: result.outcome }, 'no pass issued');
    }
  }
}
