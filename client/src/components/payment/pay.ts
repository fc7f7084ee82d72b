import { api } from '@/lib/api-client';
import { apiErrorItems, type ErrorState, toErrorState } from '@/lib/api-errors';

/** Pays for an order with a card token; resolves with the payment id. */
export async function payOrder(orderId: string, token: string): Promise<string> {
  const { data } = await api.post<{ id: string }>('/api/payments', { orderId, token });
  return data.id;
}

/** The codes of an answer that is about the card itself, so the buyer may try another card. */
export const CARD_ERROR_CODES: ReadonlySet<string> = new Set([
  'CARD_DECLINED',
  'CARD_AUTHENTICATION_REQUIRED',
  'PAYMENT_REJECTED',
]);

/**
 * A decline, a card that needs authentication or a token the gateway does not know is about the
 * card, so it goes under the card input; the rest (order expired, cancelled or already paid,
 * service down) concerns the order and goes to the form's alert.
 */
export function paymentErrorState(error: unknown, cardField: string): ErrorState {
  const state = toErrorState(error, [cardField]);
  const card = apiErrorItems(error).find((item) => CARD_ERROR_CODES.has(item.code));
  if (!card || state.fields[cardField]) return state;
  return { fields: { [cardField]: card.message }, form: state.form.filter((message) => message !== card.message) };
}
