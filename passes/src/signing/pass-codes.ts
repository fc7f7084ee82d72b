import { sign, timingSafeEqual, verify } from 'node:crypto';
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
 * Verifies a code as any scanner can, offline: its shape, `alg: EdDSA`, a `kid` among the keys,
 * the Ed25519 signature over header and payload, and the claims' shape. Returns the claims; throws
 * {@link InvalidPassCodeError} with the reason otherwise.
 */
export function verifyPassCode(keys: Pick<PassKeys, 'verifying'>, code: string): PassClaims {
  const { claims, key, signingInput, signature } = parsePassCode(keys, code);
  if (!verify(null, Buffer.from(signingInput), key, Buffer.from(signature, 'base64url'))) {
    throw new InvalidPassCodeError('bad-signature');
  }
  return claims;
}

/**
 * Reads a code's claims without checking its signature: its shape, `alg: EdDSA`, a `kid` among
 * the keys and the claims' shape. For the check-in, which then compares the code with the one it
 * issued and stored for that pass ({@link isIssuedCode}): a code equal to it was signed by this
 * service, so an Ed25519 verification (about 0.1–0.4 ms of CPU, most of a scan's own work) would
 * tell nothing more, and any other code is refused however it was signed.
 */
export function readPassCode(keys: Pick<PassKeys, 'verifying'>, code: string): PassClaims {
  return parsePassCode(keys, code).claims;
}

/** Whether `code` is exactly `issued`, compared in constant time. */
export function isIssuedCode(issued: string, code: string): boolean {
  const a = Buffer.from(issued);
  const b = Buffer.from(code);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parsePassCode(keys: Pick<PassKeys, 'verifying'>, code: string) {
  const parts = code.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new InvalidPassCodeError('malformed');
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
  const parsedHeader = header.safeParse(decodeJson(encodedHeader));
  if (!parsedHeader.success) throw new InvalidPassCodeError('malformed');
  if (parsedHeader.data.alg !== 'EdDSA') throw new InvalidPassCodeError('unsupported-algorithm');
  const key = keys.verifying.get(parsedHeader.data.kid);
  if (!key) throw new InvalidPassCodeError('unknown-key');
  const claims = passClaims.safeParse(decodeJson(encodedPayload));
  if (!claims.success) throw new InvalidPassCodeError('bad-claims');
  return { claims: claims.data, key, signingInput: `${encodedHeader}.${encodedPayload}`, signature };
}
