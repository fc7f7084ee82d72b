// The shapes the services answer with (see README → Services). Prices are decimal currency units.

export interface CurrentUser {
  id: string;
  email: string;
}

export type TicketStatus = 'available' | 'reserved' | 'sold';

export interface Ticket {
  id: string;
  title: string;
  price: number;
  userId: string;
  version: number;
  orderId: string | null;
  status: TicketStatus;
  /** The currency of `price`: the platform's PAYMENT_CURRENCY, lower case (`usd`). */
  currency: string;
}

export interface TicketPage {
  tickets: Ticket[];
  nextCursor: string | null;
}

export type OrderStatus = 'created' | 'cancelled' | 'awaiting:payment' | 'complete';

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  /** ISO 8601 */
  expiresAt: string;
  version: number;
  /** What the buyer pays: the price stored on the order when it was made, whatever the listing says now. */
  price: number;
  /** The currency of the prices: the platform's PAYMENT_CURRENCY, lower case (`usd`). */
  currency: string;
  ticket: { id: string; title: string; price: number };
}

/**
 * One entry of the `errors` array of every error response (README → Error codes). Branch on
 * `code`, which is stable; `message` is for showing and may change.
 */
export interface ApiErrorItem {
  message: string;
  code: string;
  field?: string;
}
