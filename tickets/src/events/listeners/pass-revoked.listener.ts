import { Listener, type MessageContext, type PassRevokedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf, rejectListingOfRevokedPass } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { DEFAULT_GAP_HEAL_MS, logReplica, SERVICE, type TicketListenerDeps } from './listener-deps';

/**
 * pass.revoked: the passes replica takes the pass's next version (`revoked`: never resold again).
 * A pass revoked because its buyer was refunded takes its resale listing off sale (`rejected`).
 */
export class PassRevokedListener extends Listener<typeof Subjects.PassRevoked> {
  readonly subject = Subjects.PassRevoked;
  private readonly store: TicketStore;
  private readonly healMs: number;

  constructor({ store, gapHealMs = DEFAULT_GAP_HEAL_MS, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
    this.healMs = gapHealMs;
  }

  protected async onMessage(
    data: PassRevokedData,
    { event, storedAt }: MessageContext<typeof Subjects.PassRevoked>,
  ): Promise<void> {
    const { replica, listing } = await applyPassChange(
      this.store,
      {
        ...passVersionOf(data),
        status: 'revoked',
        listingId: null,
      },
      { storedAt, healMs: this.healMs },
      data.reason === 'refunded'
        ? (tx) => rejectListingOfRevokedPass(this.store, tx, { passId: data.id, correlationId: event.correlationId })
        : undefined,
    );
    logReplica(this.logger, { passId: data.id, version: data.version }, replica);
    if (listing?.outcome === 'changed') {
      this.logger.info(
        { passId: data.id, ticketId: listing.listing.id },
        'resale listing rejected: its pass was revoked (its buyer was refunded)',
      );
    }
  }
}
