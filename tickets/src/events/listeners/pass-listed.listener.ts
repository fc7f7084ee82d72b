import { Listener, type MessageContext, type PassListedData, Subjects } from '@ticketing/common';
import { applyPassChange, passVersionOf, putListingOnSale } from '../../domain/pass-replica';
import type { TicketStore } from '../../domain/ticket-store';
import { DEFAULT_GAP_HEAL_MS, logReplica, SERVICE, type TicketListenerDeps } from './listener-deps';

/**
 * pass.listed: the passes replica takes the pass's next version (`listed`) and, in the same
 * transaction, its resale listing goes on sale if it still waits at the version passes locked it for.
 */
export class PassListedListener extends Listener<typeof Subjects.PassListed> {
  readonly subject = Subjects.PassListed;
  private readonly store: TicketStore;
  private readonly healMs: number;

  constructor({ store, gapHealMs = DEFAULT_GAP_HEAL_MS, ...deps }: TicketListenerDeps) {
    super({ ...deps, service: SERVICE });
    this.store = store;
    this.healMs = gapHealMs;
  }

  protected async onMessage(
    data: PassListedData,
    { event, storedAt }: MessageContext<typeof Subjects.PassListed>,
  ): Promise<void> {
    const result = await applyPassChange(
      this.store,
      { ...passVersionOf(data), status: 'listed', listingId: data.listingId },
      { storedAt, healMs: this.healMs },
      (tx) =>
        putListingOnSale(this.store, tx, {
          passId: data.id,
          listingId: data.listingId,
          listingVersion: data.listingVersion,
          correlationId: event.correlationId,
        }),
    );
    logReplica(this.logger, { passId: data.id, version: data.version }, result.replica);
    const about = { passId: data.id, version: data.version, listingId: data.listingId, replica: result.replica };
    if (result.listing?.outcome === 'changed') {
      this.logger.info({ ...about, listingVersion: result.listing.listing.version }, 'resale listing on sale');
    } else {
      this.logger.info({ ...about, reason: result.listing?.reason ?? 'duplicate' }, 'pass listed; listing unchanged');
    }
  }
}
