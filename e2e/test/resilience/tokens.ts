import { createHmac, randomUUID } from 'node:crypto';
import { sessionCookie } from '@ticketing/common/testing';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JWT made by hand, so a test can forge every kind of bad token (alg none, wrong key, HS512, expired, …). */
export function craftJwt(
  payload: Record<string, unknown>,
  { key, alg = 'HS256' }: { key?: string; alg?: 'HS256' | 'HS512' | 'none' } = {},
): string {
  const head = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  if (alg === 'none') return `${head}.`;
  const hash = alg === 'HS512' ? 'sha512' : 'sha256';
  return `${head}.${createHmac(hash, key ?? '')
    .update(head)
    .digest('base64url')}`;
}

/** The token with another payload and its original signature: a tampered token. */
export function tamper(jwt: string, payload: Record<string, unknown>): string {
  const [head, , signature] = jwt.split('.');
  return `${head}.${b64url(JSON.stringify(payload))}.${signature}`;
}

/** The `Cookie` header cookie-session reads for a session holding `jwt`. */
export const cookieWith = (jwt: unknown) =>
  typeof jwt === 'string' ? sessionCookie(jwt).join('; ') : `session=${b64url(JSON.stringify({ jwt }))}`;

const now = () => Math.floor(Date.now() / 1000);

/**
 * Session cookies that must all be treated as signed out: unsigned (`alg: none`), signed with
 * another key or algorithm, expired, not yet valid, tampered, malformed, and sessions that are not
 * even JSON. Each is named for the failure message.
 */
export function forgedSessions(jwtKey: string, user: { id: string; email: string }): Record<string, string> {
  // Every claim a real token has (a session id included), so each forgery fails for its own reason.
  const claims = { ...user, sid: randomUUID(), iat: now(), exp: now() + 3600 };
  const valid = craftJwt(claims, { key: jwtKey });
  return {
    'alg none': cookieWith(craftJwt(claims, { alg: 'none' })),
    'alg none, upper case': cookieWith(craftJwt(claims, { alg: 'none' }).replace(/^[^.]+/, b64url('{"alg":"NONE"}'))),
    'wrong key': cookieWith(craftJwt(claims, { key: `${jwtKey}-not` })),
    'HS512 with the right key': cookieWith(craftJwt(claims, { key: jwtKey, alg: 'HS512' })),
    expired: cookieWith(craftJwt({ ...claims, iat: now() - 7200, exp: now() - 3600 }, { key: jwtKey })),
    'not yet valid': cookieWith(craftJwt({ ...claims, nbf: now() + 3600 }, { key: jwtKey })),
    'tampered payload': cookieWith(tamper(valid, { ...claims, id: '00000000-0000-4000-8000-000000000000' })),
    'signature stripped': cookieWith(valid.replace(/[^.]+$/, '')),
    'id not a uuid': cookieWith(craftJwt({ ...claims, id: "1' or '1'='1" }, { key: jwtKey })),
    'no email': cookieWith(craftJwt({ id: user.id, sid: claims.sid, iat: now(), exp: now() + 3600 }, { key: jwtKey })),
    'no session id': cookieWith(craftJwt({ ...user, iat: now(), exp: now() + 3600 }, { key: jwtKey })),
    'jwt is a number': cookieWith(12345),
    'jwt is an object': cookieWith({ id: user.id, email: user.email }),
    'session not base64 JSON': 'session=%%%not-base64%%%',
    'session is JSON null': `session=${b64url('null')}`,
    'session is a JSON string': `session=${b64url(JSON.stringify(valid))}`,
  };
}

/** A `Stripe-Signature` header for `payload`, as Stripe computes it (HMAC-SHA256 of `t.payload`). */
export function stripeSignature(payload: string | Buffer, secret: string, timestamp = now()): string {
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(payload)]);
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}
