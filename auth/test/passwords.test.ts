import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword, SCRYPT_PARAMETERS, verifyPassword } from '../src/domain/passwords';

/** A hash in the format of before passwords were kept as typed: `scrypt$N$salt$key` (hex) of the trimmed password. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.trim().normalize('NFKC'), salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$${salt.toString('hex')}$${key.toString('hex')}`;
}

describe('password hashes', () => {
  it('when a password is hashed, then the hash states its scheme and scrypt parameters (N = 2^14, r = 8, p = 1) in PHC form', async () => {
    const hash = await hashPassword('correct horse');
    expect(SCRYPT_PARAMETERS).toEqual({ logN: 14, r: 8, p: 1, saltBytes: 16, keyBytes: 64 });
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$/);
    expect(await hashPassword('correct horse')).not.toBe(hash);
  });

  it('when the password is given exactly as typed, then it verifies; with other spaces or case, it does not', async () => {
    const hash = await hashPassword('  Pass Word  ');
    expect(await verifyPassword('  Pass Word  ', hash)).toBe(true);
    expect(await verifyPassword('Pass Word', hash)).toBe(false);
    expect(await verifyPassword('  Pass Word ', hash)).toBe(false);
    expect(await verifyPassword('  pass word  ', hash)).toBe(false);
  });

  it('when two passwords differ only in Unicode normalization, then they are the same password (NFKC)', async () => {
    const hash = await hashPassword('cafe\u0301-latte');
    expect(await verifyPassword('caf\u00e9-latte', hash)).toBe(true);
  });

  it('when a hash has the format of before passwords were kept as typed, then the password verifies with or without the spaces it was typed with', async () => {
    const hash = legacyHash('  old pw  ');
    expect(await verifyPassword('old pw', hash)).toBe(true);
    expect(await verifyPassword('  old pw  ', hash)).toBe(true);
    expect(await verifyPassword('old pw!', hash)).toBe(false);
    expect(await verifyPassword('Old pw', hash)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['an unknown scheme', 'bcrypt$12$abc$def'],
    ['a PHC hash with a huge cost', '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5'],
    ['a PHC hash without a key', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA'],
  ])('when the stored hash is %s, then nothing verifies against it', async (_case, stored) => {
    expect(await verifyPassword('anything at all', stored)).toBe(false);
  });
});
