/**
 * Container image references: which are immutable (pinned by digest) and which Node base images
 * the Dockerfiles and CI containers may use.
 */

/** The oldest Node major the images may run: Node 24 is the active LTS, Node 20 reached end-of-life on 2026-04-30. */
export const MIN_NODE_MAJOR = 24;

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Pinned by content: `name[:tag]@sha256:<64 hex>`. A tag alone (or none, meaning latest) can move. */
export const isDigestPinned = (image: string): boolean => DIGEST.test(image);

/** Why a reference may change under us, or undefined when it is pinned by digest. */
export function mutableImageProblem(image: string): string | undefined {
  if (isDigestPinned(image)) return undefined;
  if (/@sha256:/.test(image)) return `${image}: not a sha256 digest of 64 hex digits`;
  const tag = /:([\w.-]+)$/.exec(image.replace(/^[^/]+:\d+\//, ''))?.[1];
  return `${image}: ${tag ? `the tag ${tag}` : 'no tag (latest)'} can move; pin it by digest (@sha256:…)`;
}

/**
 * A Node base image: the official `node:<version>-bookworm-slim` (Debian 12, as on the project's
 * machines), Node 24 or newer, pinned by digest, with the exact version in the tag so a reader
 * (and Dependabot) knows what the digest is.
 */
export function nodeBaseImageProblem(image: string): string | undefined {
  const match = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)\.(\d+)\.(\d+)-bookworm-slim(@sha256:[a-f0-9]{64})?$/.exec(
    image,
  );
  if (!match) return `${image} is not node:<major.minor.patch>-bookworm-slim@sha256:<digest>`;
  if (Number(match[1]) < MIN_NODE_MAJOR)
    return `${image}: Node ${match[1]} is end-of-life; use Node ${MIN_NODE_MAJOR} or newer`;
  if (!match[4]) return `${image}: pin it by digest (@sha256:…), a tag can move`;
  return undefined;
}
