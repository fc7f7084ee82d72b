import { dockerStages } from './lib/checks';
import { mutableImageProblem, nodeBaseImageProblem } from './lib/images';
import { APP_NAMES, readRepoFile } from './lib/repo';

const PINNED = 'node:24.18.0-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d';

describe('Node base images', () => {
  it('every Dockerfile starts each of its stages from one Node 24+ image pinned by digest', () => {
    const bases = new Set(
      APP_NAMES.flatMap((app) => dockerStages(readRepoFile(`${app}/Dockerfile`)).map((stage) => stage.from)),
    );
    bases.delete('build');
    expect([...bases]).toHaveLength(1);
    expect(nodeBaseImageProblem([...bases][0] ?? '')).toBeUndefined();
  });

  it('refuses Node 20 even by digest, a Node 24 tag without a digest, and a floating tag', () => {
    expect(nodeBaseImageProblem(PINNED.replace('node:24.18.0', 'node:20.19.5'))).toBe(
      `${PINNED.replace('node:24.18.0', 'node:20.19.5')}: Node 20 is end-of-life; use Node 24 or newer`,
    );
    expect(nodeBaseImageProblem('node:24.18.0-bookworm-slim')).toBe(
      'node:24.18.0-bookworm-slim: pin it by digest (@sha256:…), a tag can move',
    );
    expect(nodeBaseImageProblem('node:24-bookworm-slim')).toMatch(/is not node:<major\.minor\.patch>-bookworm-slim/);
    expect(nodeBaseImageProblem(PINNED)).toBeUndefined();
  });
});

describe('mutable image references', () => {
  it('accepts only a sha256 digest', () => {
    expect(mutableImageProblem(`example/auth@sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(mutableImageProblem(`example/auth:1.2.3@sha256:${'b'.repeat(64)}`)).toBeUndefined();
  });

  it('reports a tag, no tag (latest) and a short digest', () => {
    expect(mutableImageProblem('example/auth:latest')).toBe(
      'example/auth:latest: the tag latest can move; pin it by digest (@sha256:…)',
    );
    expect(mutableImageProblem('example/auth')).toBe(
      'example/auth: no tag (latest) can move; pin it by digest (@sha256:…)',
    );
    expect(mutableImageProblem('registry.example.com:5000/auth')).toMatch(/no tag \(latest\)/);
    expect(mutableImageProblem('example/auth@sha256:abc')).toBe(
      'example/auth@sha256:abc: not a sha256 digest of 64 hex digits',
    );
  });
});
