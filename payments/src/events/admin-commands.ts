import { AdminCommandError, type AdminHandler } from '@ticketing/common';
import { z } from 'zod';
import { listPayouts } from '../db/payouts.repository';
import { listRefunds, retryParkedRefund } from '../db/refunds.repository';
import { PAYOUT_STATUSES, type PayoutStatus, REFUND_STATUSES, type RefundStatus } from '../db/schema';
import type { PaymentsDeps } from '../domain/deps';
import { retryPayout } from '../domain/payouts';

const listRequest = z.object({ status: z.enum(REFUND_STATUSES as [RefundStatus, ...RefundStatus[]]).optional() });
const retryRequest = z.object({ id: z.uuid() });
const payoutListRequest = z.object({
  status: z.enum(PAYOUT_STATUSES as [PayoutStatus, ...PayoutStatus[]]).optional(),
});

/**
 * The operator commands payments answers (`npm run events -- refunds …`, `… payouts …`): list
 * refund intents and payouts, and put a parked one (refund_failed, a failed payout) back in the
 * refund worker's or the payout scheduler's hands once its cause is fixed.
 */
export function paymentAdminCommands(
  payments: PaymentsDeps,
  { wakePayouts = () => {} }: { wakePayouts?: () => void } = {},
): Record<string, AdminHandler> {
  return {
    'refunds-list': async (request) => {
      const parsed = listRequest.safeParse(request);
      if (!parsed.success) throw new AdminCommandError(`status must be one of ${REFUND_STATUSES.join(', ')}`);
      return listRefunds(payments.db, parsed.data.status);
    },
    'refunds-retry': async (request) => {
      const parsed = retryRequest.safeParse(request);
      if (!parsed.success) throw new AdminCommandError('id must be the uuid of a refund intent');
      if (!(await retryParkedRefund(payments.db, parsed.data.id))) {
        throw new AdminCommandError(`Refund ${parsed.data.id} is not parked (only failed refunds can be retried)`);
      }
      payments.wakeRefunds();
      return { id: parsed.data.id, status: 'pending' };
    },
    'payouts-list': async (request) => {
      const parsed = payoutListRequest.safeParse(request);
      if (!parsed.success) throw new AdminCommandError(`status must be one of ${PAYOUT_STATUSES.join(', ')}`);
      return listPayouts(payments.db, parsed.data.status);
    },
    'payouts-retry': async (request) => {
      const parsed = retryRequest.safeParse(request);
      if (!parsed.success) throw new AdminCommandError('id must be the uuid of a payout');
      if (!(await retryPayout(payments, parsed.data.id))) {
        throw new AdminCommandError(`Payout ${parsed.data.id} is not parked (only failed payouts can be retried)`);
      }
      wakePayouts();
      return { id: parsed.data.id, status: 'held' };
    },
  };
}
