import { randomUUID } from 'node:crypto';
import { BadRequestError, type Database } from '@ticketing/common';
import { findUserByEmail, insertUser, type User } from '../db/users.repository';
import { hashPassword, verifyPassword } from './passwords';

// Verifying against a real hash when the email is unknown keeps sign-in timing the same for
// known and unknown emails, so the response time does not reveal which accounts exist.
const UNKNOWN_USER_HASH = hashPassword(randomUUID());

export async function signUp(db: Database, email: string, password: string): Promise<User> {
  const user = await insertUser(db, { id: randomUUID(), email, passwordHash: await hashPassword(password) });
  if (!user) throw new BadRequestError('Email in use', { code: 'EMAIL_IN_USE', field: 'email' });
  return user;
}

export async function signIn(db: Database, email: string, password: string): Promise<User> {
  const user = await findUserByEmail(db, email);
  const valid = await verifyPassword(password, user?.passwordHash ?? (await UNKNOWN_USER_HASH));
  if (!user || !valid)
    throw new BadRequestError("That email and password don't match", { code: 'INVALID_CREDENTIALS' });
  return { id: user.id, email: user.email };
}
