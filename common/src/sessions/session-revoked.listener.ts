import { recordSessionRevoked } from '../db/session-revocations';
import { type SessionRevokedData, Subjects } from '../events';
import { Listener, type MessageContext } from '../messaging/listener';
import type { RevocationListenerDeps } from './revocation-listener-deps';

/** session.revoked: remembers the signed-out session, so every replica refuses its cookie. */
export class SessionRevokedListener extends Listener<typeof Subjects.SessionRevoked> {
  readonly subject = Subjects.SessionRevoked;
  readonly #db: RevocationListenerDeps['db'];
  readonly #revocations: RevocationListenerDeps['revocations'];

  constructor({ db, revocations, ...deps }: RevocationListenerDeps) {
    super(deps);
    this.#db = db;
    this.#revocations = revocations;
  }

  protected async onMessage(
    { sessionId, userId, expiresAt }: SessionRevokedData,
    { event }: MessageContext<typeof Subjects.SessionRevoked>,
  ): Promise<void> {
    await recordSessionRevoked(this.#db, { sessionId, userId, expiresAt: new Date(expiresAt) });
    this.#revocations.wake();
    this.logger.info({ sessionId, userId, eventId: event.eventId }, 'session revoked');
  }
}
