import { type Database, isUniqueViolation } from '@ticketing/common';
import { eq, sql } from 'drizzle-orm';
import { users } from './schema';

export interface User {
  id: string;
  email: string;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

export async function findUserByEmail(db: Database, email: string): Promise<UserWithHash | undefined> {
  const [row] = await db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
    .limit(1);
  return row;
}

/** Inserts a user; returns undefined when the email is taken (the unique index decides, not a prior read). */
export async function insertUser(db: Database, user: UserWithHash): Promise<User | undefined> {
  try {
    const [row] = await db.insert(users).values(user).returning({ id: users.id, email: users.email });
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}
