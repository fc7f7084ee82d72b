import type { Executor } from '../db/create-database';
import type { ListenerDeps } from '../messaging/listener';
import type { SessionRevocations } from './session-revocations';

/** What the revocation listeners need besides a listener's own: the service's database and its in-memory set. */
export interface RevocationListenerDeps extends ListenerDeps {
  db: Executor;
  revocations: Pick<SessionRevocations, 'wake'>;
}
