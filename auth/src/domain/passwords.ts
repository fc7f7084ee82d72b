import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters of new hashes: N = 2^14 (16384), r = 8, p = 1 (16 MiB and a few tens of
 * milliseconds per hash), a random 16-byte salt per password, a 64-byte key. Each hash stores
 * its own parameters, so raising them applies to new passwords and old hashes still verify.
 */
export const SCRYPT_PARAMETERS = { logN: 14, r: 8, p: 1, saltBytes: 16, keyBytes: 64 } as const;

interface ParsedHash {
  cost: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
  /** Made before passwords were kept as typed: of the trimmed password. */
  trimmed: boolean;
}

/** The largest cost a stored hash may ask for (2^20, 1 GiB with r = 8): a bound on the work one sign-in can cause. */
const MAX_LOG_COST = 20;

function derive(password: string, hash: ParsedHash): Promise<Buffer> {
  const options: ScryptOptions = { N: hash.cost, r: hash.r, p: hash.p, maxmem: 256 * hash.cost * hash.r };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or system is the same password (NIST SP 800-63B).
    scrypt(password.normalize('NFKC'), hash.salt, hash.key.length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const base64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

/**
 * Hashes the password exactly as typed (never trimmed) with {@link SCRYPT_PARAMETERS}, in the PHC
 * string format: `$scrypt$ln=14,r=8,p=1$<salt>$<key>` (unpadded base64).
 */
export async function hashPassword(password: string): Promise<string> {
  const { logN, r, p, saltBytes, keyBytes } = SCRYPT_PARAMETERS;
  const parsed = { cost: 2 ** logN, r, p, salt: randomBytes(saltBytes), key: Buffer.alloc(keyBytes), trimmed: false };
  const key = await derive(password, parsed);
  return `$scrypt$ln=${logN},r=${r},p=${p}$${base64(parsed.salt)}$${base64(key)}`;
}

/**
 * Whether `password` is the one `stored` was made of. Hashes made before passwords were kept as
 * typed (`scrypt$N$salt$key`, hex) are of the trimmed password, so for those the trimmed password
 * is tried too. Whenever the password has spaces around it both are derived, whatever the
 * hash, so the time taken tells nothing about the account behind the email.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const hash = parseHash(stored);
  if (!hash) return false;
  const trimmed = password.trim();
  const candidates = trimmed === password ? [password] : [password, trimmed];
  const keys = await Promise.all(candidates.map((candidate) => derive(candidate, hash)));
  return keys.some((key, index) => (index === 0 || hash.trimmed) && timingSafeEqual(key, hash.key));
}

const inRange = (value: number, max: number) => value >= 1 && value <= max;

function parseHash(stored: string): ParsedHash | undefined {
  const phc = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (phc) {
    const [, logN, r, p, salt, key] = phc;
    if (!(Number(logN) >= 1 && Number(logN) <= MAX_LOG_COST && inRange(Number(r), 32) && inRange(Number(p), 16))) {
      return undefined;
    }
    return {
      cost: 2 ** Number(logN),
      r: Number(r),
      p: Number(p),
      salt: Buffer.from(salt ?? '', 'base64'),
      key: Buffer.from(key ?? '', 'base64'),
      trimmed: false,
    };
  }
  const legacy = /^scrypt\$(\d+)\$([0-9a-f]+)\$([0-9a-f]+)$/.exec(stored);
  if (legacy) {
    const [, cost, salt, key] = legacy;
    if (!(Number(cost) >= 2 && Number(cost) <= 2 ** MAX_LOG_COST)) return undefined;
    return {
      cost: Number(cost),
      r: 8,
      p: 1,
      salt: Buffer.from(salt ?? '', 'hex'),
      key: Buffer.from(key ?? '', 'hex'),
      trimmed: true,
    };
  }
  return undefined;
}
