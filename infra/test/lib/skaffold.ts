import { parse } from 'yaml';
import { z } from 'zod';
import { type Exists, type Read, type SkaffoldArtifact, skaffoldPipelineProblems } from './checks';
import type { K8sObject } from './kustomize';
import { readRepoFile, repoPathExists } from './repo';

/**
 * The part of skaffold's v4beta configuration schema that this repository uses, strict: an
 * unknown or misspelt key fails here instead of being ignored by skaffold (field names from
 * skaffold's published v4beta13 JSON schema).
 */
const syncRule = z.object({ src: z.string().min(1), dest: z.string().min(1), strip: z.string().optional() }).strict();
const artifact = z
  .object({
    image: z.string().min(1),
    context: z.string().optional(),
    docker: z
      .object({
        dockerfile: z.string().optional(),
        target: z.string().optional(),
        buildArgs: z.record(z.string(), z.string()).optional(),
        noCache: z.boolean().optional(),
      })
      .strict()
      .optional(),
    sync: z
      .object({
        manual: z.array(syncRule).optional(),
        infer: z.array(z.string()).optional(),
        auto: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
const build = z
  .object({
    local: z
      .object({
        push: z.boolean().optional(),
        useBuildkit: z.boolean().optional(),
        useDockerCLI: z.boolean().optional(),
        concurrency: z.number().int().min(0).optional(),
        tryImportMissing: z.boolean().optional(),
      })
      .strict()
      .optional(),
    tagPolicy: z
      .object({
        gitCommit: z
          .object({
            variant: z.string().optional(),
            prefix: z.string().optional(),
            ignoreChanges: z.boolean().optional(),
          })
          .strict()
          .optional(),
        sha256: z.object({}).strict().optional(),
        inputDigest: z.object({}).strict().optional(),
      })
      .strict()
      .optional(),
    artifacts: z.array(artifact).min(1),
  })
  .strict();
const manifests = z.object({ kustomize: z.object({ paths: z.array(z.string()).min(1) }).strict() }).strict();
const deploy = z.object({ kubectl: z.object({ defaultNamespace: z.string().optional() }).strict() }).strict();
const profile = z
  .object({
    name: z.string().min(1),
    build: build.optional(),
    manifests: manifests.optional(),
    deploy: deploy.optional(),
  })
  .strict();
export const skaffoldSchema = z
  .object({
    apiVersion: z.string().regex(/^skaffold\/v4beta\d+$/, 'must be a current skaffold/v4betaN schema'),
    kind: z.literal('Config'),
    metadata: z.object({ name: z.string() }).strict().optional(),
    build,
    manifests,
    deploy,
    profiles: z.array(profile).optional(),
  })
  .strict();

export type SkaffoldConfig = z.infer<typeof skaffoldSchema>;

/** Every problem of skaffold.yaml: schema, then each pipeline (default and profiles) against its rendered overlay. */
export function skaffoldProblems(
  text: string,
  renderOverlay: (dir: string) => K8sObject[],
  read: Read = readRepoFile,
  exists: Exists = repoPathExists,
): string[] {
  const parsed = skaffoldSchema.safeParse(parse(text));
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `skaffold.yaml: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const config = parsed.data;
  const pipelines: { name: string; artifacts: SkaffoldArtifact[]; paths: string[] }[] = [
    { name: 'default', artifacts: config.build.artifacts, paths: config.manifests.kustomize.paths },
    ...(config.profiles ?? []).map((entry) => ({
      name: `profile ${entry.name}`,
      artifacts: entry.build?.artifacts ?? config.build.artifacts,
      paths: entry.manifests?.kustomize.paths ?? config.manifests.kustomize.paths,
    })),
  ];
  const problems: string[] = [];
  for (const pipeline of pipelines) {
    const objects = pipeline.paths.flatMap((dir) => renderOverlay(dir));
    problems.push(...skaffoldPipelineProblems(pipeline.name, pipeline.artifacts, objects, read, exists));
  }
  return problems;
}
