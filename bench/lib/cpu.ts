import { readdirSync, readFileSync } from 'node:fs';
import { childrenByParent, processTree, procStat } from './platform';

/** CPU time (ms) used so far by each process of interest. */
export type CpuSnapshot = Map<string, number>;

/**
 * The CPU time of the platform's processes, of the PostgreSQL server listening on `postgresPort`
 * (its postmaster, its live backends and the ones that ended: the postmaster reaped them) and of
 * this process (the load generator).
 */
export function cpuSnapshot(rootPid: number, postgresPort?: number, rootName = 'launcher+gateway'): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  const postmaster = postgresPort === undefined ? undefined : findPostmaster(postgresPort);
  const backends = postmaster === undefined ? [] : (childrenByParent().get(postmaster) ?? []);
  // The launcher's own PostgreSQL is in its process tree: counted once, below, as 'postgres'.
  const server = new Set([postmaster, ...backends]);
  for (const [name, pid] of processTree(rootPid, rootName)) {
    const stat = server.has(pid) ? undefined : procStat(pid);
    if (stat) snapshot.set(name, stat.cpuMs);
  }
  if (postmaster !== undefined) {
    const own = procStat(postmaster);
    let total = own ? own.cpuMs + own.childrenCpuMs : 0;
    for (const backend of backends) total += procStat(backend)?.cpuMs ?? 0;
    snapshot.set('postgres', total);
  }
  const usage = process.cpuUsage();
  snapshot.set('load generator', (usage.user + usage.system) / 1000);
  return snapshot;
}

function findPostmaster(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('/postgres') && args.includes('-p') && args[args.indexOf('-p') + 1] === String(port)) {
        return Number(entry);
      }
    } catch {
      // gone
    }
  }
  return undefined;
}

/** CPU milliseconds each process spent per request between two snapshots (processes under 1 % left out). */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): Record<string, number> {
  const result: Record<string, number> = {};
  let total = 0;
  for (const [name, ms] of after) {
    const used = ms - (before.get(name) ?? 0);
    total += used;
    if (used > 0) result[name] = Math.round((used / requests) * 1000) / 1000;
  }
  result.total = Math.round((total / requests) * 1000) / 1000;
  return Object.fromEntries(Object.entries(result).filter(([name, v]) => name === 'total' || v >= result.total! / 100));
}
