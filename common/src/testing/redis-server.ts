import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findBinary, freePort, spawnServer, stopChild, waitForPort } from './processes';
import { waitFor } from './wait-for';

/** Sends one inline Redis command over a raw socket and resolves with the reply. */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}

export interface RedisServerHandle {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (SIGTERM saves the append-only file; `kill: true` crashes it). */
  halt(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port and data directory. */
  resume(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/**
 * Starts a real redis-server on a free loopback port with a temporary data directory and the
 * append-only file on, so data survives {@link RedisServerHandle.halt} / `resume`.
 */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const binary = findBinary('redis-server', 'redis-server');
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ticketing-redis-'));
  let child: ChildProcess | undefined;

  const launch = async () => {
    // hz 100 as `npm start` and the cluster run it: BullMQ's delayed jobs fire within ~10 ms.
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'yes'];
    const server = spawnServer(binary, [...args, '--appendfsync', 'always', '--hz', '100', '--daemonize', 'no']);
    child = server.child;
    await waitForPort(port, server.child, server.output);
    // The port opens before the append-only file is loaded; until then commands answer -LOADING.
    await waitFor(async () => (await redisCommand(port, 'PING')) === '+PONG', { intervalMs: 10 });
  };
  await launch();

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dataDir,
    async halt({ kill = false } = {}) {
      if (child) await stopChild(child, kill ? 'SIGKILL' : 'SIGTERM');
    },
    async resume() {
      await launch();
    },
    async stop() {
      if (child) await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
