import { recordUserSessionsRevoked } from '../db/session-revocations';
import { type SessionsRevokedAllData, Subjects } from '../events';
import { Listener, type MessageContext } from '../messaging/listener';
import type { RevocationListenerDeps } from './revocation-listener-deps';

/** session.revoked-all: remembers that every session of the user issued before `before` is over. */
export class SessionsRevokedAllListener extends Listener<typeof Subjects.SessionsRevokedAll> {
  readonly subject = Subjects.SessionsRevokedAll;
  readonly #db: RevocationListenerDeps['db'];
  readonly #revocations: RevocationListenerDeps['revocations'];

  constructor({ db, revocations, ...deps }: RevocationListenerDeps) {
    super(deps);
    this.#db = db;
    this.#revocations = revocations;
  }

  protected async onMessage(
    { userId, before, expiresAt }: SessionsRevokedAllData,
    { event }: MessageContext<typeof Subjects.SessionsRevokedAll>,
  ): Promise<void> {
    await recordUserSessionsRevoked(this.#db, {
      userId,
      before: new Date(before),
      expiresAt: new Date(expiresAt),
    });
    this.#revocations.wake();
    this.logger.info({ userId, before, eventId: event.eventId }, 'every session of the user revoked');
  }
}
