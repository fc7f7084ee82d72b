import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A public key as the JWK set publishes it (RFC 8037: OKP, Ed25519). */
export interface PassJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** The keys of the service: one that signs, every one that verifies (the signing key's first). */
export interface PassKeys {
  signing: { kid: string; privateKey: KeyObject };
  /** kid → public key: the signing key and the retired ones of PASS_VERIFY_KEYS. */
  verifying: ReadonlyMap<string, KeyObject>;
  /** The JWK set `GET /api/passes/keys` serves. */
  jwks: { keys: PassJwk[] };
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;

/** `x` of an Ed25519 public key's JWK. */
function jwkX(publicKey: KeyObject): string {
  const { x } = publicKey.export({ format: 'jwk' });
  if (!x) throw new Error('not an OKP key');
  return x;
}

/**
 * RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no whitespace,
 * base64url. For an OKP key the members are `crv`, `kty` and `x`.
 */
export function jwkThumbprint(publicKey: KeyObject): string {
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: jwkX(publicKey) });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function toJwk(publicKey: KeyObject): PassJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: jwkX(publicKey), kid: jwkThumbprint(publicKey), alg: 'EdDSA', use: 'sig' };
}

/** Reads an Ed25519 private key from PKCS#8 PEM; `problem` says in a sentence why it cannot be used. */
export function parsePrivateKey(pem: string): { key?: KeyObject; problem?: string } {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem.trim(), format: 'pem' });
  } catch {
    return { problem: 'must be a private key in PEM (PKCS#8, -----BEGIN PRIVATE KEY-----)' };
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return { problem: `must be an Ed25519 key (this one is ${key.asymmetricKeyType ?? 'not asymmetric'})` };
  }
  return { key };
}

/** Reads one or more Ed25519 public keys, PEM blocks one after another. */
export function parsePublicKeys(pems: string): { keys?: KeyObject[]; problem?: string } {
  const blocks = pems.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return { problem: 'must hold PEM public keys (-----BEGIN PUBLIC KEY-----)' };
  const keys: KeyObject[] = [];
  for (const [index, block] of blocks.entries()) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: block, format: 'pem' });
    } catch {
      return { problem: `key ${index + 1} is not a PEM public key` };
    }
    if (key.asymmetricKeyType !== 'ed25519') return { problem: `key ${index + 1} must be an Ed25519 public key` };
    keys.push(key);
  }
  return { keys };
}

/** A new Ed25519 private key as PKCS#8 PEM (what `npm start` keeps in `.data/pass-signing-key.pem`). */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * The service's keys from its configuration: PASS_SIGNING_KEY (or, outside production, a key made
 * for this process) signs; it and PASS_VERIFY_KEYS verify, and all are published.
 */
export function loadPassKeys({
  signingKey,
  verifyKeys,
}: {
  signingKey?: string | undefined;
  verifyKeys?: string | undefined;
}): PassKeys {
  const parsed = parsePrivateKey(signingKey ?? generateSigningKeyPem());
  if (!parsed.key) throw new Error(`PASS_SIGNING_KEY ${parsed.problem}`);
  const retired = verifyKeys === undefined ? { keys: [] } : parsePublicKeys(verifyKeys);
  if (!retired.keys) throw new Error(`PASS_VERIFY_KEYS ${retired.problem}`);
  const signingPublic = createPublicKey(parsed.key);
  const verifying = new Map<string, KeyObject>();
  for (const key of [signingPublic, ...retired.keys]) verifying.set(jwkThumbprint(key), key);
  const kid = jwkThumbprint(signingPublic);
  return {
    signing: { kid, privateKey: parsed.key },
    verifying,
    jwks: { keys: [...verifying.values()].map(toJwk) },
  };
}
