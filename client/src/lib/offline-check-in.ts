/**
 * Check-in without the server: a pass's code is a JWS (compact, EdDSA over Ed25519) whose payload
 * names the pass (`pid`), ticket (`tid`), event (`eid`), holder (`hid`) and generation (`gen`).
 * With the JWK set of `GET /api/passes/keys` and the event's revocation list (revoked passes, and
 * passes locked while listed for resale), the browser checks the signature (WebCrypto), the event
 * and the list, and keeps the passes it admitted so that a
 * second scan of one is refused; they are sent to the server once it can be reached again.
 */

export interface PassKey {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg?: string;
  use?: string;
}

export interface PassClaims {
  pid: string;
  tid: string;
  eid: string | null;
  hid: string;
  gen: number;
}

export type OfflineVerdict =
  | { result: 'admitted'; claims: PassClaims }
  | { result: 'already-admitted'; claims: PassClaims; at: string }
  | { result: 'revoked'; claims: PassClaims }
  | { result: 'listed'; claims: PassClaims }
  | { result: 'other-event'; claims: PassClaims }
  | { result: 'invalid'; reason: string };

/** A pass admitted at this door while offline; `synced` once the server has been told. */
export interface OfflineAdmission {
  pid: string;
  code: string;
  at: string;
  synced: boolean;
}

/** What the page keeps for one event (in localStorage): keys, revocations and its admissions. */
export interface OfflineState {
  eventId: string;
  keys: PassKey[];
  revoked: string[];
  /**
   * Passes listed for resale when the list was downloaded: refused while listed (a withdrawn
   * listing gives the pass back, which the next download learns). Absent in data saved before
   * resale existed.
   */
  listed?: string[];
  downloadedAt: string;
  admissions: OfflineAdmission[];
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function base64UrlBytes(segment: string): Uint8Array<ArrayBuffer> {
  const base64 = segment
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function jsonSegment(segment: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(base64UrlBytes(segment)));
  } catch {
    return undefined;
  }
}

function isClaims(value: unknown): value is PassClaims {
  const claims = value as Partial<PassClaims> | null;
  return (
    typeof claims === 'object' &&
    claims !== null &&
    typeof claims.pid === 'string' &&
    typeof claims.tid === 'string' &&
    (typeof claims.eid === 'string' || claims.eid === null) &&
    typeof claims.hid === 'string' &&
    Number.isInteger(claims.gen)
  );
}

/** Whether `code` is signed by one of `keys`, and what it claims; never throws. */
export async function verifyCode(
  code: string,
  keys: readonly PassKey[],
): Promise<{ ok: true; claims: PassClaims } | { ok: false; reason: string }> {
  const parts = code.trim().split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) {
    return { ok: false, reason: 'This is not a ticket code' };
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonSegment(headerPart) as { alg?: unknown; kid?: unknown } | undefined;
  const claims = jsonSegment(payloadPart);
  if (header?.alg !== 'EdDSA' || typeof header.kid !== 'string' || !isClaims(claims)) {
    return { ok: false, reason: 'This is not a ticket code' };
  }
  const jwk = keys.find((key) => key.kid === header.kid);
  if (!jwk) return { ok: false, reason: 'Signed by a key this device does not know' };
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
    const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, base64UrlBytes(signaturePart), signed);
    return valid
      ? { ok: true, claims }
      : { ok: false, reason: 'The signature does not match: a forged or altered code' };
  } catch {
    return { ok: false, reason: 'The signature could not be checked' };
  }
}

/**
 * The offline decision for a scanned code at `state`'s event, and the state after it (a new
 * admission is recorded, unsynced). The first admission of a pass at this door wins here; the
 * server settles it against other doors when the admissions are synced.
 */
export async function checkInOffline(
  code: string,
  state: OfflineState,
  now: Date = new Date(),
): Promise<{ verdict: OfflineVerdict; state: OfflineState }> {
  const verified = await verifyCode(code, state.keys);
  if (!verified.ok) return { verdict: { result: 'invalid', reason: verified.reason }, state };
  const { claims } = verified;
  if (claims.eid !== state.eventId) return { verdict: { result: 'other-event', claims }, state };
  if (state.revoked.includes(claims.pid)) return { verdict: { result: 'revoked', claims }, state };
  if (state.listed?.includes(claims.pid)) return { verdict: { result: 'listed', claims }, state };
  const earlier = state.admissions.find((admission) => admission.pid === claims.pid);
  if (earlier) return { verdict: { result: 'already-admitted', claims, at: earlier.at }, state };
  const admission: OfflineAdmission = { pid: claims.pid, code: code.trim(), at: now.toISOString(), synced: false };
  return { verdict: { result: 'admitted', claims }, state: { ...state, admissions: [...state.admissions, admission] } };
}

const storageKey = (eventId: string) => `ticketing:check-in:${eventId}`;

export function loadOfflineState(storage: Storage, eventId: string): OfflineState | null {
  try {
    const raw = storage.getItem(storageKey(eventId));
    const state = raw ? (JSON.parse(raw) as OfflineState) : null;
    return state?.eventId === eventId && Array.isArray(state.keys) && Array.isArray(state.admissions) ? state : null;
  } catch {
    return null;
  }
}

export function saveOfflineState(storage: Storage, state: OfflineState): void {
  storage.setItem(storageKey(state.eventId), JSON.stringify(state));
}
