import { Listener, type PassIssuedData, Subjects } from '@ticketing/common';
import { recordPassIssued } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { SERVICE, type TicketListenerDeps } from './listener-deps';

/** pass.issued: the passes replica stores the new pass, its holder and what they paid (a resale's cap). */
export class PassIssuedListener extends Listener<typeof Subjects.PassIssued> {
  readonly subject = Subjects.PassIssued;
  private readonly store: TicketStore;

  constructor({ store, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
  }

  protected async onMessage(data: PassIssuedData): Promise<void> {
    const outcome = await recordPassIssued(this.store, data);
    this.logger.debug({ passId: data.id, version: data.version, outcome }, 'pass replica');
  }
}
