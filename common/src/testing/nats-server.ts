import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findBinary, freePort, spawnServer, stopChild, waitForPort } from './processes';

export interface NatsServerHandle {
  url: string;
  port: number;
  /** JetStream's storage directory (temporary, removed by {@link NatsServerHandle.stop}). */
  storeDir: string;
  /** Stops the server; `kill: true` sends SIGKILL (a crash) instead of a clean shutdown. */
  halt(options?: { kill?: boolean }): Promise<void>;
  /** Starts the server again on the same port and storage, as after an outage. */
  resume(): Promise<void>;
  /** Stops the server and removes its storage. */
  stop(): Promise<void>;
}

export interface StartNatsServerOptions {
  /** Extra configuration file text, e.g. an `authorization { … }` block from `natsAuthorizationConfig`. */
  config?: string;
}

/**
 * Starts a real nats-server with JetStream on a free loopback port and a temporary storage
 * directory — the way mongodb-memory-server starts mongod for a test file.
 */
export async function startNatsServer({ config }: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = findBinary('nats-server', 'nats-server');
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(tmpdir(), 'ticketing-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (config !== undefined) {
    const configFile = path.join(storeDir, 'nats.conf');
    writeFileSync(configFile, config);
    args.push('-c', configFile);
  }
  let child: ChildProcess | undefined;

  const launch = async () => {
    const server = spawnServer(binary, args);
    child = server.child;
    await waitForPort(port, server.child, server.output);
  };
  await launch();

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    async halt({ kill = false } = {}) {
      if (child) await stopChild(child, kill ? 'SIGKILL' : 'SIGTERM');
    },
    async resume() {
      await launch();
    },
    async stop() {
      if (child) await stopChild(child);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
