import { installInputs, npmCiRejection } from './lib/lockfile';

// npm plans an install of ~700 packages; a few seconds on a busy machine.
jest.setTimeout(60_000);

describe('package-lock.json', () => {
  it('is accepted by npm ci in a clean clone (the manifests and the lock, nothing installed)', () => {
    expect(npmCiRejection(installInputs())).toBeUndefined();
  });

  it('is rejected when it lacks another platform’s optional binary (what npm 11 left out of a lock it updated)', () => {
    const files = installInputs();
    const lock = JSON.parse(files.get('package-lock.json') ?? '{}') as { packages: Record<string, unknown> };
    const platformBinary = Object.keys(lock.packages).find((key) => key.endsWith('/@biomejs/cli-darwin-arm64'));
    expect(platformBinary).toBeDefined();
    delete lock.packages[platformBinary ?? ''];
    files.set('package-lock.json', JSON.stringify(lock, null, 2));
    expect(npmCiRejection(files)).toMatch(/Missing: @biomejs\/cli-darwin-arm64@[\d.]+ from lock file/);
  });

  it('is rejected when the lock records a version a workspace does not accept', () => {
    const files = installInputs();
    const lock = JSON.parse(files.get('package-lock.json') ?? '{}') as {
      packages: Record<string, { version: string }>;
    };
    const zod = lock.packages['node_modules/zod'];
    if (!zod) throw new Error('the lock has no zod');
    zod.version = '3.25.0';
    files.set('package-lock.json', JSON.stringify(lock, null, 2));
    expect(npmCiRejection(files)).toMatch(/Invalid: lock file's zod@3\.25\.0 does not satisfy zod@/);
  });
});
