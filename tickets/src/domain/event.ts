import { type CurrencyCode, type EventJson, fromMinorUnits } from '@ticketing/common';
import type { EventSummaryRow } from '../db/events.repository';
import type { EventRow } from '../db/schema';

/** A catalog event as the API shows it (`EventJson`): its lowest price in decimal units of `currency`. */
export type CatalogEvent = EventJson;

export function toEvent(
  row: EventRow & Partial<Pick<EventSummaryRow, 'availableListings' | 'lowestPriceCents'>>,
  currency: CurrencyCode,
): CatalogEvent {
  const lowest = row.lowestPriceCents ?? null;
  return {
    id: row.id,
    organizerId: row.organizerId,
    name: row.name,
    venue: row.venue,
    city: row.city,
    startsAt: row.startsAt.toISOString(),
    category: row.category,
    version: row.version,
    availableListings: row.availableListings ?? 0,
    lowestPrice: lowest === null ? null : fromMinorUnits(lowest, currency),
    currency,
  };
}
