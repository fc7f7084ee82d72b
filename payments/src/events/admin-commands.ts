import { AdminCommandError, type AdminHandler } from '@ticketing/common';
import { z } from 'zod';
import { listRefunds, retryParkedRefund } from '../db/refunds.repository';
import { REFUND_STATUSES, type RefundStatus } from '../db/schema';
import type { PaymentsDeps } from '../domain/deps';

const listRequest = z.object({ status: z.enum(REFUND_STATUSES as [RefundStatus, ...RefundStatus[]]).optional() });
const retryRequest = z.object({ id: z.uuid() });

/**
 * The operator commands payments answers (`npm run events -- refunds …`): list refund intents,
 * and put a parked one (refund_failed) back in the refund worker's hands once its cause is fixed.
 */
export function paymentAdminCommands(payments: PaymentsDeps): Record<string, AdminHandler> {
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
  };
}
