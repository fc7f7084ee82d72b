/**
 * @jest-environment node
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { checkInOffline, type OfflineState, type PassKey, verifyCode } from '@/lib/offline-check-in';

const EVENT = randomUUID();
const KID = 'test-key';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return { privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: KID, alg: 'EdDSA', use: 'sig' } as PassKey };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function code(privateKey: ReturnType<typeof keyPair>['privateKey'], claims: Record<string, unknown>, kid = KID) {
  const signingInput = `${b64url({ alg: 'EdDSA', kid })}.${b64url(claims)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

const claimsFor = (eid: string | null = EVENT) => ({
  pid: randomUUID(),
  tid: randomUUID(),
  eid,
  hid: randomUUID(),
  gen: 1,
  iat: 1_800_000_000,
});

const state = (keys: PassKey[], revoked: string[] = [], listed: string[] = []): OfflineState => ({
  eventId: EVENT,
  keys,
  revoked,
  listed,
  downloadedAt: '2030-01-01T00:00:00.000Z',
  admissions: [],
});

describe('offline check-in', () => {
  const { privateKey, jwk } = keyPair();

  it('verifies a code with the JWK set alone, and refuses a changed payload, another key and a non-code', async () => {
    const claims = claimsFor();
    const valid = code(privateKey, claims);
    expect(await verifyCode(valid, [jwk])).toEqual({ ok: true, claims });

    const [header, , signature] = valid.split('.');
    const forged = `${header}.${b64url({ ...claims, gen: 2 })}.${signature}`;
    expect(await verifyCode(forged, [jwk])).toEqual({
      ok: false,
      reason: 'The signature does not match: a forged or altered code',
    });
    const other = keyPair();
    expect(await verifyCode(code(other.privateKey, claims), [jwk])).toMatchObject({ ok: false });
    expect(await verifyCode(code(privateKey, claims, 'retired'), [jwk])).toEqual({
      ok: false,
      reason: 'Signed by a key this device does not know',
    });
    expect(await verifyCode('hello', [jwk])).toEqual({ ok: false, reason: 'This is not a ticket code' });
  });

  it('admits a pass once on this device, and records the admission to sync', async () => {
    const valid = code(privateKey, claimsFor());
    const first = await checkInOffline(valid, state([jwk]), new Date('2030-02-01T20:00:00Z'));
    expect(first.verdict.result).toBe('admitted');
    expect(first.state.admissions).toEqual([
      expect.objectContaining({ code: valid, at: '2030-02-01T20:00:00.000Z', synced: false }),
    ]);

    const second = await checkInOffline(valid, first.state);
    expect(second.verdict).toMatchObject({ result: 'already-admitted', at: '2030-02-01T20:00:00.000Z' });
    expect(second.state).toBe(first.state);
  });

  it('refuses a revoked pass and a pass of another event without recording anything', async () => {
    const revokedClaims = claimsFor();
    const revoked = await checkInOffline(code(privateKey, revokedClaims), state([jwk], [revokedClaims.pid]));
    expect(revoked.verdict.result).toBe('revoked');
    expect(revoked.state.admissions).toEqual([]);

    const elsewhere = await checkInOffline(code(privateKey, claimsFor(randomUUID())), state([jwk]));
    expect(elsewhere.verdict.result).toBe('other-event');
    expect(elsewhere.state.admissions).toEqual([]);
  });

  it('when a pass is listed for resale, then it is refused offline as listed and nothing is recorded', async () => {
    const listedClaims = claimsFor();
    const listed = await checkInOffline(code(privateKey, listedClaims), state([jwk], [], [listedClaims.pid]));
    expect(listed.verdict).toEqual({ result: 'listed', claims: listedClaims });
    expect(listed.state.admissions).toEqual([]);

    // Another pass of the same event is still admitted.
    const other = await checkInOffline(code(privateKey, claimsFor()), listed.state);
    expect(other.verdict.result).toBe('admitted');
  });

  it('when a pass is both revoked and listed, then it is refused as revoked: that is final', async () => {
    const claims = claimsFor();
    const both = await checkInOffline(code(privateKey, claims), state([jwk], [claims.pid], [claims.pid]));
    expect(both.verdict.result).toBe('revoked');
  });

  it('when the offline data was saved before resale (no listed list), then it still admits', async () => {
    const { listed: _none, ...saved } = state([jwk]);
    const admitted = await checkInOffline(code(privateKey, claimsFor()), saved);
    expect(admitted.verdict.result).toBe('admitted');
  });
});
