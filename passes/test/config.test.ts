import { createPublicKey } from 'node:crypto';
import { configSchema } from '../src/config';
import { generateSigningKeyPem } from '../src/signing/pass-keys';

const base = { JWT_KEY: 'a-signing-key-of-at-least-32-bytes-000000', DATABASE_URL: 'postgres://127.0.0.1:5432/passes' };
const issues = (env: Record<string, string>) => {
  const result = configSchema.safeParse({ ...base, ...env });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('passes configuration', () => {
  it('when nothing but JWT_KEY is set outside production, then it starts (with a key made for the process)', () => {
    expect(issues({})).toEqual([]);
  });

  it('when production has no PASS_SIGNING_KEY, then it refuses to start naming the variable', () => {
    expect(issues({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^PASS_SIGNING_KEY: production signs/)]);
  });

  it('when production has an Ed25519 PASS_SIGNING_KEY and retired keys, then it starts', () => {
    const retired = createPublicKey(generateSigningKeyPem()).export({ format: 'pem', type: 'spki' }).toString();
    expect(
      issues({ NODE_ENV: 'production', PASS_SIGNING_KEY: generateSigningKeyPem(), PASS_VERIFY_KEYS: retired }),
    ).toEqual([]);
  });

  it('when the keys are not usable, then each variable is named with the reason', () => {
    expect(issues({ PASS_SIGNING_KEY: 'not a key', PASS_VERIFY_KEYS: 'not keys either' })).toEqual([
      expect.stringMatching(/^PASS_SIGNING_KEY: must be a private key in PEM/),
      expect.stringMatching(/^PASS_VERIFY_KEYS: must hold PEM public keys/),
    ]);
  });
});
