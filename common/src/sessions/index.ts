import type { Executor } from '../db/create-database';
import type { ListenerDeps } from '../messaging/listener';
import type { RevocationListenerDeps } from './revocation-listener-deps';
import { SessionRevocations } from './session-revocations';
import { SessionRevokedListener } from './session-revoked.listener';
import { SessionsRevokedAllListener } from './sessions-revoked-all.listener';

export * from './revocation-listener-deps';
export * from './session-revocations';
export * from './session-revoked.listener';
export * from './sessions-revoked-all.listener';

/**
 * The listeners that record auth's revocations in a service that reads session cookies
 * (tickets, orders, payments): one durable consumer per subject, shared by the replicas.
 */
export function createSessionRevocationListeners(
  deps: RevocationListenerDeps,
): [SessionRevokedListener, SessionsRevokedAllListener] {
  return [new SessionRevokedListener(deps), new SessionsRevokedAllListener(deps)];
}

/**
 * What a service that reads session cookies starts before it serves: the revocations in force,
 * loaded from its database and then refreshed every `refreshIntervalMs`, and the listeners that
 * record new ones (start them with the service's other listeners). Pass `revocations` to the
 * app (`isSessionRevoked`) and stop it at shutdown.
 */
export async function openSessionRevocations({
  db,
  refreshIntervalMs,
  ...deps
}: ListenerDeps & { db: Executor; refreshIntervalMs?: number }) {
  const revocations = new SessionRevocations({ db, logger: deps.logger, refreshIntervalMs });
  await revocations.start();
  return { revocations, listeners: createSessionRevocationListeners({ ...deps, db, revocations }) };
}
