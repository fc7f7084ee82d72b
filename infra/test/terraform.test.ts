import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listRepoFiles, ROOT, readRepoFile } from './lib/repo';

/**
 * `terraform fmt -check` on infra/terraform. Debian has no terraform package: where the binary
 * is missing these tests are reported as skipped (never as passed) with the reason; CI's
 * infrastructure job and the terraform workflow install it, and the workflow also runs
 * `terraform validate` and `plan`, which need the provider downloaded.
 */
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
if (!terraform) {
  console.warn(
    'terraform is not installed (Debian has no package for it): the terraform fmt checks are SKIPPED. ' +
      'Install it from HashiCorp (https://developer.hashicorp.com/terraform/install) to run them.',
  );
}
const fmtCheck = (dir: string) =>
  spawnSync('terraform', ['fmt', '-check', '-recursive', '-list=true', dir], { encoding: 'utf8' });

describe('infra/terraform', () => {
  const files = listRepoFiles('infra/terraform').filter((file) => file.endsWith('.tf'));

  it('describes the cluster and its node pool, the backups bucket, the domain and remote state', () => {
    const text = files.map(readRepoFile).join('\n');
    for (const resource of [
      'digitalocean_kubernetes_cluster',
      'digitalocean_spaces_bucket',
      'digitalocean_domain',
      'digitalocean_record',
    ]) {
      expect(text).toContain(`resource "${resource}"`);
    }
    expect(text).toMatch(/backend "s3" \{\}/);
    expect(readRepoFile('infra/terraform/backend.hcl.example')).toMatch(/digitaloceanspaces\.com/);
  });

  (terraform ? it : it.skip)('is formatted as terraform fmt writes it', () => {
    const result = fmtCheck(path.join(ROOT, 'infra/terraform'));
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  (terraform ? it : it.skip)('terraform fmt -check reports a file that is not', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ticketing-terraform-'));
    try {
      const misaligned = readRepoFile('infra/terraform/main.tf').replace(
        '  region       = var.region',
        '  region = var.region',
      );
      writeFileSync(path.join(dir, 'main.tf'), misaligned);
      const result = fmtCheck(dir);
      expect(result.status).toBe(3);
      expect(result.stdout.trim()).toMatch(/main\.tf$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
