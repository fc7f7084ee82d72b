import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import * as schema from '../../db/__tests__/fixtures/schema';
import { migrationsFolder } from '../../db/__tests__/helpers';
import { createDatabase, type Executor } from '../../db/create-database';
import { pruneOlderThan } from '../../db/retention';
import {
  recordSessionRevoked,
  recordUserSessionsRevoked,
  revokedSessions,
  revokedUsers,
  SESSION_REVOCATION_TABLES,
} from '../../db/session-revocations';
import type { SessionClaims } from '../../http/current-user';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { waitFor } from '../../testing/wait-for';
import { SessionRevocations } from '../session-revocations';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;

let database: TestDatabase<typeof schema>;
const running: SessionRevocations[] = [];
beforeAll(async () => {
  database = await createTestDatabase({ schema, migrationsFolder });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((revocations) => revocations.stop()));
  await database.truncate();
});
afterAll(() => database.close());

/** A replica's in-memory set over `db` (default the test database), started. */
async function replica(db: Executor = database.db) {
  const revocations = new SessionRevocations({ db, logger, refreshIntervalMs: 50 });
  running.push(revocations);
  await revocations.start();
  return revocations;
}

/** A session as a verified token states it. */
function aSession(overrides: Partial<SessionClaims> = {}): SessionClaims {
  const now = Date.now();
  return {
    user: { id: randomUUID(), email: 'someone@test.dev' },
    sessionId: randomUUID(),
    issuedAt: now - 1_000,
    expiresAt: now + HOUR,
    ...overrides,
  };
}

const revoke = (session: SessionClaims) =>
  recordSessionRevoked(database.db, {
    sessionId: session.sessionId,
    userId: session.user.id,
    expiresAt: new Date(session.expiresAt),
  });

describe('SessionRevocations', () => {
  it('when sessions were revoked before the process started, then it refuses them from the start, and only them', async () => {
    const signedOut = aSession();
    const stillIn = aSession({ user: signedOut.user });
    await revoke(signedOut);

    const revocations = await replica();

    expect(revocations.isRevoked(signedOut)).toBe(true);
    expect(revocations.isRevoked(stillIn)).toBe(false);
  });

  it('when a revocation is recorded while it runs (by the replica that received the event, on another pool), then it refuses the session within its refresh interval', async () => {
    const revocations = await replica();
    const session = aSession();
    expect(revocations.isRevoked(session)).toBe(false);

    const otherReplica = await createDatabase({ url: database.url, schema, migrationsFolder, poolSize: 1 });
    try {
      await recordSessionRevoked(otherReplica.db, {
        sessionId: session.sessionId,
        userId: session.user.id,
        expiresAt: new Date(session.expiresAt),
      });
    } finally {
      await otherReplica.close();
    }

    await waitFor(() => revocations.isRevoked(session), { timeoutMs: 2_000 });
  });

  it('when a user signs out everywhere, then every session issued before that instant is refused — one issued a few milliseconds later is not', async () => {
    const revocations = await replica();
    const before = Date.now();
    const user = { id: randomUUID(), email: 'everywhere@test.dev' };
    const earlier = aSession({ user, issuedAt: before - 5 });
    const later = aSession({ user, issuedAt: before + 5 });
    const someoneElse = aSession({ issuedAt: before - 5 });

    await recordUserSessionsRevoked(database.db, {
      userId: user.id,
      before: new Date(before),
      expiresAt: new Date(before + HOUR),
    });

    await waitFor(() => revocations.isRevoked(earlier), { timeoutMs: 2_000 });
    expect(revocations.isRevoked(later)).toBe(false);
    expect(revocations.isRevoked(someoneElse)).toBe(false);
  });

  it('when an older "sign out everywhere" arrives after a newer one, then the newer instant stays in force', async () => {
    const userId = randomUUID();
    const newer = new Date();
    const older = new Date(newer.getTime() - 60_000);
    await recordUserSessionsRevoked(database.db, {
      userId,
      before: newer,
      expiresAt: new Date(newer.getTime() + HOUR),
    });
    await recordUserSessionsRevoked(database.db, {
      userId,
      before: older,
      expiresAt: new Date(older.getTime() + HOUR),
    });

    const [row] = await database.db.select().from(revokedUsers);
    expect(row?.before).toEqual(newer);
    const revocations = await replica();
    expect(
      revocations.isRevoked(aSession({ user: { id: userId, email: 'u@test.dev' }, issuedAt: newer.getTime() - 1 })),
    ).toBe(true);
  });

  it('when a revocation is recorded twice (a redelivered event), then nothing changes', async () => {
    const session = aSession();
    await revoke(session);
    await revoke(session);

    expect(await database.db.select().from(revokedSessions)).toHaveLength(1);
  });

  it('when the database cannot be read for a while, then the revocations it knows stay in force', async () => {
    const handle = await createDatabase({ url: database.url, schema, migrationsFolder, poolSize: 1 });
    const revocations = await replica(handle.db);
    const known = aSession();
    await revoke(known);
    await waitFor(() => revocations.isRevoked(known), { timeoutMs: 2_000 });

    await handle.close();
    const later = aSession();
    await revoke(later);
    await expect(revocations.refresh()).rejects.toThrow();

    expect(revocations.isRevoked(known)).toBe(true);
    expect(revocations.isRevoked(later)).toBe(false);
    expect(revocations.size).toEqual({ sessions: 1, users: 0 });
  });

  it('when revoked tokens have expired, then the retention job deletes their rows and keeps the live ones', async () => {
    const expired = aSession({ expiresAt: Date.now() - 1_000 });
    const live = aSession();
    await revoke(expired);
    await revoke(live);
    const userId = randomUUID();
    await recordUserSessionsRevoked(database.db, {
      userId,
      before: new Date(Date.now() - 2 * HOUR),
      expiresAt: new Date(Date.now() - HOUR),
    });

    // The job's own retention (30 days) does not apply: a revocation lasts as long as its token.
    const deleted = await pruneOlderThan(database.db, new Date(Date.now() - 30 * 24 * HOUR), SESSION_REVOCATION_TABLES);

    expect(deleted).toEqual({ revoked_sessions: 1, revoked_users: 1 });
    const left = await database.db.select({ id: revokedSessions.sessionId }).from(revokedSessions);
    expect(left).toEqual([{ id: live.sessionId }]);
    expect(await database.db.execute(sql`select 1 from revoked_users`)).toMatchObject({ rowCount: 0 });
  });
});
