// The shapes the services answer with: the types of the schemas in common/src/api that validate
// the services' requests and generate their OpenAPI documents (README → Contracts), so the web app
// cannot drift from the API. Type-only: nothing of common reaches the browser bundle. Prices are
// decimal currency units.
import type {
  ClaimJson,
  ClaimListJson,
  CurrentUserJson,
  EventJson,
  EventPageJson,
  EventWithListingsJson,
  OrderHistoryJson,
  OrderJson,
  PassDetailJson,
  PassJson,
  PaymentModeJson,
  PayoutAccountJson,
  PayoutJson,
  PayoutListJson,
  PayoutOnboardingJson,
  RevocationListJson,
  TicketJson,
  TicketPageJson,
  UserJson,
} from '@ticketing/common/api';

export type { TicketStatus } from '@ticketing/common/api';

export type CurrentUser = UserJson;
export type Ticket = TicketJson;
export type TicketPage = TicketPageJson;
export type Order = OrderJson;
export type OrderStatus = OrderJson['status'];
/** A catalog event (a concert, a match) with what is on sale for it (`GET /api/events`). */
export type CatalogEvent = EventJson;
export type CatalogEventPage = EventPageJson;
/** An event with its tickets on sale, cheapest first (`GET /api/events/{id}`). */
export type CatalogEventWithListings = EventWithListingsJson;
/** A signed e-ticket pass (`GET /api/passes`); `code` is what the door scans. */
export type Pass = PassJson;
export type PassStatus = PassJson['status'];
/** A pass with its code drawn as a QR code (`GET /api/passes/{id}`). */
export type PassDetail = PassDetailJson;
/** What an offline scanner refuses besides bad signatures: revoked passes and listed ones (`GET /api/passes/revocations`). */
export type RevocationList = RevocationListJson;
/** What `GET /api/users/currentuser` answers. */
export type CurrentUserAnswer = CurrentUserJson;
/** How payments run: `sandbox` means no money moves (`GET /api/payments/mode`). */
export type PaymentMode = PaymentModeJson;

/**
 * The seller's payout account (`GET /api/payments/payout-account`): `none` until set up,
 * `onboarding` while Stripe's onboarding is unfinished, `ready` once payouts can be paid to it;
 * `awaiting` is what the seller's sales hold for it.
 */
export type PayoutAccount = PayoutAccountJson;
/** What starting or continuing onboarding answers (`POST /api/payments/payout-account`). */
export type PayoutOnboarding = PayoutOnboardingJson;
/** One sale and what it pays the seller (`GET /api/payments/payouts`); amounts are decimal. */
export type Payout = PayoutJson;
export type PayoutList = PayoutListJson;
export type { PayoutState } from '@ticketing/common/api';

/**
 * One entry of the `errors` array of every error response (README → Error codes). Branch on
 * `code`, which is stable; `message` is for showing and may change.
 */
export interface ApiErrorItem {
  message: string;
  code: string;
  field?: string;
}
/** A buyer's claim on a completed order ("my ticket did not work"), `GET /api/payments/claims`. */
export type Claim = ClaimJson;
export type ClaimList = ClaimListJson;
/** Every step of an order's money (`GET /api/payments/orders/{orderId}/history`). */
export type OrderHistory = OrderHistoryJson;
