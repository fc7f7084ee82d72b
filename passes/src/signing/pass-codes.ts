import { sign, verify } from 'node:crypto';
import { z } from 'zod';
import type { PassKeys } from './pass-keys';

/**
 * What a pass code says, with short claim names so the QR code stays small:
 * `pid` pass id · `tid` ticket id · `eid` catalog event id (null: a ticket of no event) ·
 * `hid` holder (user) id · `gen` generation · `iat` issued at (seconds since the epoch).
 */
export const passClaims = z.object({
  pid: z.uuid(),
  tid: z.uuid(),
  eid: z.uuid().nullable(),
  hid: z.uuid(),
  gen: z.number().int().positive(),
  iat: z.number().int().nonnegative(),
});

export type PassClaims = z.infer<typeof passClaims>;

/** Why a code was refused; the scan answers PASS_INVALID for each. */
export type InvalidReason = 'malformed' | 'unsupported-algorithm' | 'unknown-key' | 'bad-signature' | 'bad-claims';

export class InvalidPassCodeError extends Error {
  constructor(readonly reason: InvalidReason) {
    super(`invalid pass code (${reason})`);
    this.name = 'InvalidPassCodeError';
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `claims` as a JWS in compact serialization: header `{ alg: 'EdDSA', kid }`, Ed25519. */
export function signPassCode(keys: Pick<PassKeys, 'signing'>, claims: PassClaims): string {
  const signingInput = `${encode({ alg: 'EdDSA', kid: keys.signing.kid })}.${encode(claims)}`;
  const signature = sign(null, Buffer.from(signingInput), keys.signing.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPassCodeError('malformed');
  }
}

const header = z.object({ alg: z.string(), kid: z.string() });

/**
 * Verifies a code with the service's keys and returns its claims; throws {@link InvalidPassCodeError}
 * for anything else: not three base64url parts, an algorithm other than EdDSA, a key it does not
 * know, a signature that does not match, or claims of another shape.
 */
export function verifyPassCode(keys: Pick<PassKeys, 'verifying'>, code: string): PassClaims {
  let verified = verifiedCodes.get(keys.verifying);
  if (!verified) {
    verified = new Map();
    verifiedCodes.set(keys.verifying, verified);
  }
  const known = verified.get(code);
  if (known) return known;
  const claims = Object.freeze(verifySignedCode(keys, code));
  if (verified.size >= VERIFIED_CODES_KEPT) verified.delete(verified.keys().next().value!);
  verified.set(code, claims);
  return claims;
}

/**
 * How many verified codes each key set remembers. A door sees the same code again (a second
 * scan, a holder shown the way back in): its Ed25519 verification (about 0.1–0.2 ms of CPU) and
 * parsing are then skipped. A code's verdict cannot change while the keys stay the same, and the
 * keys are fixed for the life of the process; only codes that verified are kept.
 */
const VERIFIED_CODES_KEPT = 20_000;
const verifiedCodes = new WeakMap<PassKeys['verifying'], Map<string, PassClaims>>();

function verifySignedCode(keys: Pick<PassKeys, 'verifying'>, code: string): PassClaims {
  const parts = code.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new InvalidPassCodeError('malformed');
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
  const parsedHeader = header.safeParse(decodeJson(encodedHeader));
  if (!parsedHeader.success) throw new InvalidPassCodeError('malformed');
  if (parsedHeader.data.alg !== 'EdDSA') throw new InvalidPassCodeError('unsupported-algorithm');
  const key = keys.verifying.get(parsedHeader.data.kid);
  if (!key) throw new InvalidPassCodeError('unknown-key');
  const signed = verify(
    null,
    Buffer.from(`${encodedHeader}.${encodedPayload}`),
    key,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw new InvalidPassCodeError('bad-signature');
  const claims = passClaims.safeParse(decodeJson(encodedPayload));
  if (!claims.success) throw new InvalidPassCodeError('bad-claims');
  return claims.data;
}
