import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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

export const schema = { users };
