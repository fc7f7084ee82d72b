import type { ListenerDeps } from '@ticketing/common';
import type { PassesDeps } from '../../domain/deps';

export const SERVICE = 'passes';

/** Every passes listener: the connection and logger of a common Listener, plus the use cases' deps. */
export interface PassListenerDeps extends Omit<ListenerDeps, 'service'> {
  passes: PassesDeps;
}
