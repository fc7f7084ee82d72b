import { type CurrencyCode, fromMinorUnits, type PayoutListJson, type PayoutState } from '@ticketing/common';
import { listSellerPayouts } from '../db/payouts.repository';
import type { PaymentsDeps } from './deps';

/** "My payouts": the seller's sales, newest first, with what each pays them and where it stands. */
export async function payoutsOfSeller(
  deps: Pick<PaymentsDeps, 'db' | 'payoutHoldHours'>,
  sellerId: string,
  query: { state?: PayoutState; limit: number },
): Promise<PayoutListJson> {
  const rows = await listSellerPayouts(deps.db, sellerId, { holdHours: deps.payoutHoldHours, ...query });
  return {
    payouts: rows.map((row) => {
      const currency = row.currency as CurrencyCode;
      return {
        id: row.id,
        orderId: row.orderId,
        ticketId: row.ticketId,
        price: fromMinorUnits(row.priceCents, currency),
        sellerFee: fromMinorUnits(row.sellerFeeCents, currency),
        amount: fromMinorUnits(row.amountCents, currency),
        currency,
        state: row.state,
        dueAt: row.dueAt?.toISOString() ?? null,
        paidAt: row.paidAt?.toISOString() ?? null,
      };
    }),
  };
}
