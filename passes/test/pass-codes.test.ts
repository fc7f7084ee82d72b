import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet, decodeProtectedHeader, exportJWK } from 'jose';
import {
  InvalidPassCodeError,
  isIssuedCode,
  type PassClaims,
  readPassCode,
  signPassCode,
  verifyPassCode,
} from '../src/signing/pass-codes';
import {
  generateSigningKeyPem,
  jwkThumbprint,
  loadPassKeys,
  parsePrivateKey,
  parsePublicKeys,
} from '../src/signing/pass-keys';

const claims = (overrides: Partial<PassClaims> = {}): PassClaims => ({
  pid: randomUUID(),
  tid: randomUUID(),
  eid: randomUUID(),
  hid: randomUUID(),
  gen: 1,
  iat: Math.floor(Date.now() / 1000),
  ...overrides,
});

const publicPem = (privatePem: string) =>
  createPublicKey(privatePem).export({ format: 'pem', type: 'spki' }).toString();

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidPassCodeError) return error.reason;
    throw error;
  }
  return 'verified';
};

describe('pass codes (JWS, EdDSA)', () => {
  const keys = loadPassKeys({ signingKey: generateSigningKeyPem() });

  it('when a code is signed, then it is a compact JWS with alg EdDSA and the key thumbprint as kid, and it verifies to its claims', () => {
    const payload = claims();
    const code = signPassCode(keys, payload);
    expect(code.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(code)).toEqual({ alg: 'EdDSA', kid: keys.signing.kid });
    expect(verifyPassCode(keys, code)).toEqual(payload);
  });

  it('when a scanner has only the JWK set, then a standard JOSE library verifies the code offline', async () => {
    const payload = claims({ eid: null, gen: 3 });
    const code = signPassCode(keys, payload);
    // What GET /api/passes/keys serves, through JSON as a scanner would download it.
    const jwks = createLocalJWKSet(JSON.parse(JSON.stringify(keys.jwks)));
    const { payload: bytes, protectedHeader } = await compactVerify(code, jwks, { algorithms: ['EdDSA'] });
    expect(protectedHeader.kid).toBe(keys.signing.kid);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(payload);
  });

  it('when a code is read for the check-in, then its claims come without the signature check, which verifyPassCode still makes; only the very code is the issued one', () => {
    const payload = claims();
    const code = signPassCode(keys, payload);
    const [header, body, signature] = code.split('.') as [string, string, string];
    const flipped = `${header}.${body}.${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(readPassCode(keys, flipped)).toEqual(payload);
    expect(reason(() => verifyPassCode(keys, flipped))).toBe('bad-signature');
    expect(isIssuedCode(code, code)).toBe(true);
    expect(isIssuedCode(code, flipped)).toBe(false);
    expect(isIssuedCode(code, `${code}A`)).toBe(false);
    // The header and claims are still checked: a key this service does not know is refused.
    expect(reason(() => readPassCode(loadPassKeys({ signingKey: generateSigningKeyPem() }), code))).toBe('unknown-key');
  });

  it('when a code is signed by another key, then jose refuses it with the JWK set, and so does the service', async () => {
    const other = loadPassKeys({ signingKey: generateSigningKeyPem() });
    const forged = signPassCode({ signing: { ...other.signing, kid: keys.signing.kid } }, claims());
    await expect(compactVerify(forged, createLocalJWKSet(keys.jwks))).rejects.toThrow();
    expect(reason(() => verifyPassCode(keys, forged))).toBe('bad-signature');
    expect(reason(() => verifyPassCode(keys, signPassCode(other, claims())))).toBe('unknown-key');
  });

  it('the kid is the RFC 7638 thumbprint jose computes for the same key', async () => {
    const pem = generateSigningKeyPem();
    const jwk = await exportJWK(createPublicKey(pem));
    expect(jwkThumbprint(createPublicKey(pem))).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
    expect(loadPassKeys({ signingKey: pem }).jwks.keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: jwk.x,
      kid: await calculateJwkThumbprint(jwk, 'sha256'),
      alg: 'EdDSA',
      use: 'sig',
    });
  });

  it('when the payload is altered after signing, then the signature no longer verifies', () => {
    const [header, , signature] = signPassCode(keys, claims()).split('.');
    const altered = Buffer.from(JSON.stringify(claims({ gen: 9 }))).toString('base64url');
    expect(reason(() => verifyPassCode(keys, `${header}.${altered}.${signature}`))).toBe('bad-signature');
  });

  it.each([
    ['not three parts', 'abc.def'],
    ['characters outside base64url', 'a+b.c/d.e=f'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
    ['a header without kid', `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.e30.c2ln`],
    ['an empty string', ''],
  ])('when the code has %s, then it is malformed', (_what, code) => {
    expect(reason(() => verifyPassCode(keys, code))).toBe('malformed');
  });

  it('when the header names another algorithm (alg none, HS256), then it is refused before any key is used', () => {
    const [, payload, signature] = signPassCode(keys, claims()).split('.');
    for (const alg of ['none', 'HS256']) {
      const header = Buffer.from(JSON.stringify({ alg, kid: keys.signing.kid })).toString('base64url');
      expect(reason(() => verifyPassCode(keys, `${header}.${payload}.${signature}`))).toBe('unsupported-algorithm');
    }
  });

  it('when a correctly signed payload has other claims, then it is refused as bad claims', () => {
    const bad = signPassCode(keys, { pid: 'not-a-uuid' } as unknown as PassClaims);
    expect(reason(() => verifyPassCode(keys, bad))).toBe('bad-claims');
  });
});

describe('pass keys', () => {
  it('when retired public keys are given, then codes of the retired key still verify and every key is published, the signing key first', () => {
    const retiredPem = generateSigningKeyPem();
    const retired = loadPassKeys({ signingKey: retiredPem });
    const oldCode = signPassCode(retired, claims());
    const current = loadPassKeys({ signingKey: generateSigningKeyPem(), verifyKeys: publicPem(retiredPem) });
    expect(verifyPassCode(current, oldCode).pid).toBeDefined();
    expect(current.jwks.keys.map((key) => key.kid)).toEqual([current.signing.kid, retired.signing.kid]);
  });

  it('reads several PEM public keys one after another', () => {
    const pems = `${publicPem(generateSigningKeyPem())}\n${publicPem(generateSigningKeyPem())}`;
    expect(parsePublicKeys(pems).keys).toHaveLength(2);
  });

  it.each([
    ['text that is not PEM', 'hello', /PEM/],
    [
      'an RSA key',
      generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
      /Ed25519/,
    ],
  ])('when the signing key is %s, then it is refused with a sentence', (_what, pem, message) => {
    expect(parsePrivateKey(pem).problem).toMatch(message);
    expect(() => loadPassKeys({ signingKey: pem })).toThrow(/PASS_SIGNING_KEY/);
  });

  it.each([
    ['no PEM block', 'nothing here', /PEM public keys/],
    ['a broken block', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /key 1 is not a PEM public key/],
    [
      'an RSA public key',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      /key 1 must be an Ed25519 public key/,
    ],
  ])('when PASS_VERIFY_KEYS has %s, then it is refused with a sentence', (_what, pems, message) => {
    expect(parsePublicKeys(pems).problem).toMatch(message);
    expect(() => loadPassKeys({ signingKey: generateSigningKeyPem(), verifyKeys: pems })).toThrow(/PASS_VERIFY_KEYS/);
  });

  it('without a signing key, a key is made for the process', () => {
    const keys = loadPassKeys({});
    expect(keys.jwks.keys).toHaveLength(1);
    expect(verifyPassCode(keys, signPassCode(keys, claims())).gen).toBe(1);
  });
});
