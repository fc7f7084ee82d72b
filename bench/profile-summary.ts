// Summarises V8 CPU profiles (`--cpu-prof`, e.g. from `npm run bench -- --profile`): where the
// process spent its time, by package (node_modules/<name>, node: internals, the service's own
// code, GC, idle) and by function (self time), with each share of the busy (non-idle) time.
//
//   npx tsx bench/profile-summary.ts bench/.tmp/profiles/<run>/<service>-<pid>.cpuprofile [--top=25]
//     [--inclusive=reserveTicket,onMessage]   also the total time spent under these functions
//     [--last=8]                              only the profile's last 8 seconds (e.g. the measured
//                                             load of `--only=scans`, after the seeding)
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, node's internals, the service's own code, or a V8 pseudo-frame. */
export function bucketOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`.replace(/^\(\((.*)\)\)$/, '($1)');
  if (url.startsWith('node:')) return 'node: internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const workspace = /\/work\/[^/]+\/([^/]+)\//.exec(url) ?? /\/([^/]+)\/dist\//.exec(url);
  return workspace ? `${workspace[1]} (own code)` : url;
}

export function summarise(profile: CpuProfile, top = 25, inclusive: string[] = [], lastMs?: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<number, number>();
  const span = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const from = lastMs === undefined ? 0 : span - lastMs * 1000;
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= from) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += micros;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const bucket = bucketOf(url, functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const busy = total - idle;
  // Inclusive time of the named functions: a sample counts once for each name on its stack.
  const included = new Map<string, number>(inclusive.map((name) => [name, 0]));
  for (const [id, micros] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (included.has(name) && !seen.has(name)) {
        seen.add(name);
        included.set(name, included.get(name)! + micros);
      }
    }
  }
  const lines = (map: Map<string, number>, limit = top) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(
        ([name, micros]) =>
          `${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      )
      .join('\n');
  return [
    `profiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)} %)`,
    '\nself time by package:',
    lines(buckets),
    '\nself time by function:',
    lines(functions),
    ...(inclusive.length > 0 ? ['\ninclusive time of:', lines(included, included.size)] : []),
  ].join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const top = Number(process.argv.find((arg) => arg.startsWith('--top='))?.split('=')[1] ?? 25);
  const inclusive =
    process.argv
      .find((arg) => arg.startsWith('--inclusive='))
      ?.split('=')[1]
      ?.split(',') ?? [];
  const last = process.argv.find((arg) => arg.startsWith('--last='))?.split('=')[1];
  if (files.length === 0) {
    console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile>… [--top=25] [--inclusive=f,g] [--last=S]');
    process.exit(2);
  }
  for (const file of files) {
    console.log(`\n# ${file}`);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    console.log(summarise(profile, top, inclusive, last === undefined ? undefined : Number(last) * 1000));
  }
}
