import { type EventCreatedData, Listener, type MessageContext, Subjects } from '@ticketing/common';
import { DEFAULT_GAP_HEAL_MS, type PassesDeps } from '../../domain/deps';
import { applyCatalogEvent } from '../../domain/replicas';
import { type PassListenerDeps, SERVICE } from './listener-deps';

/** event.created: the catalog replica keeps each event's organizer (who may scan its passes), in version order. */
export class EventCreatedListener extends Listener<typeof Subjects.EventCreated> {
  readonly subject = Subjects.EventCreated;
  private readonly passes: PassesDeps;

  constructor({ passes, ...deps }: PassListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.passes = passes;
  }

  protected async onMessage(
    data: EventCreatedData,
    { event, storedAt }: MessageContext<typeof Subjects.EventCreated>,
  ): Promise<void> {
    const outcome = await applyCatalogEvent(this.passes.db, data, {
      storedAt,
      resync: event.resync,
      healMs: this.passes.gapHealMs ?? DEFAULT_GAP_HEAL_MS,
    });
    this.logger.debug({ eventId: data.id, version: data.version, outcome }, 'catalog event replica');
  }
}
