import { api } from '@/lib/api-client';
import { type ErrorState, errorStatus, toErrorState } from '@/lib/api-errors';

/** Pays for an order with a card token; resolves with the payment id. */
export async function payOrder(orderId: string, token: string): Promise<string> {
  const { data } = await api.post<{ id: string }>('/api/payments', { orderId, token });
  return data.id;
}

/**
 * A decline (402) is about the card, so it goes under the card input; the rest (order expired,
 * cancelled or already paid, service down) concerns the order and goes to the form's alert.
 */
export function paymentErrorState(error: unknown, cardField: string): ErrorState {
  const state = toErrorState(error, [cardField]);
  if (errorStatus(error) === 402 && state.form.length > 0 && !state.fields[cardField]) {
    const [first, ...rest] = state.form;
    return { fields: { [cardField]: first }, form: rest };
  }
  return state;
}
