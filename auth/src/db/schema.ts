import { outbox, processedEvents } from '@ticketing/common';
import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export { outbox, processedEvents } from '@ticketing/common';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Stored trimmed and lower-cased; the index makes the comparison case-insensitive regardless. */
    email: text('email').notNull(),
    /**
     * `$scrypt$ln=14,r=8,p=1$<salt>$<key>` (PHC string, base64) of the password as typed; accounts
     * made before passwords were kept as typed have `scrypt$N$salt$key` (hex) of the trimmed one.
     * Never leaves this service.
     */
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('users_email_lower_unique').on(sql`lower(${table.email})`)],
);

/**
 * One row per sign-in (or sign-up): the session a cookie's token names (`sid`). The session is
 * active until it expires (with its token) or is revoked by sign-out; auth's `currentuser`
 * checks the row, the other services learn of revocations through events.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The token's `iat`, to the millisecond. */
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    /** The token's `exp`: the row is pruned after it. */
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    // "Sign out everywhere" finds a user's active sessions.
    index('sessions_user_active_idx').on(table.userId).where(sql`${table.revokedAt} is null`),
    index('sessions_expires_idx').on(table.expiresAt),
  ],
);

export const schema = { users, sessions, outbox, processedEvents };
