import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  postgres: string;
  natsServer: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAverageAtStart: number;
}

export function describeMachine(postgresVersion: string): Machine {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    postgres: postgresVersion,
    natsServer: commandVersion('nats-server', ['--version']),
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

function commandVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** One line of the table. */
export interface Row {
  group: string;
  scenario: string;
  /** The figure as shown, e.g. `4,210 req/s · p50 9 ms · p99 31 ms`. */
  value: string;
  baseline?: string;
  /** figure / baseline, when the goal is a ratio. */
  ratio?: number;
  goal?: string;
  /** Undefined for rows without a goal. */
  met?: boolean;
}

export const fmt = {
  rps: (n: number) => `${Math.round(n).toLocaleString('en-US')} req/s`,
  ms: (n: number) => (n >= 100 ? `${Math.round(n)} ms` : `${Number(n.toFixed(1))} ms`),
  mib: (kb: number) => `${Math.round(kb / 1024)} MiB`,
  /** CPU of every process involved (service(s), PostgreSQL, NATS, Redis, load generator) per answer. */
  cpu: (result: { cpuMsPerRequest?: Record<string, number> }) =>
    result.cpuMsPerRequest?.total === undefined ? '' : ` · ${result.cpuMsPerRequest.total.toFixed(2)} ms CPU/req`,
};

export function renderTable(rows: Row[]): string {
  const header = ['', 'scenario', 'result', 'baseline', 'ratio', 'goal', ''];
  const lines = rows.map((row) => [
    row.group,
    row.scenario,
    row.value,
    row.baseline ?? '',
    row.ratio === undefined ? '' : row.ratio.toFixed(2),
    row.goal ?? '',
    row.met === undefined ? '' : row.met ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join('\n');
}

/** Writes bench/results/<YYYY-MM-DD>.json and bench/results/latest.json; returns the dated path. */
export function writeResults(dir: string, results: unknown): string {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const dated = path.join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(dated, json);
  writeFileSync(path.join(dir, 'latest.json'), json);
  return dated;
}
