import type { ListenerDeps } from '@ticketing/common';
import type { PaymentsDeps } from '../../domain/deps';

export const SERVICE = 'payments';

/** Every payments listener: the connection and logger of a common Listener, plus the use cases' deps. */
export interface PaymentListenerDeps extends Omit<ListenerDeps, 'service'> {
  payments: PaymentsDeps;
}
