// Child-process plumbing for the launcher: free ports, readiness polling, log capture.
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

/**
 * A free TCP port on the loopback interface, drawn from 20000–32767: below Linux's ephemeral
 * range, so a port the kernel hands to some other socket cannot take it between this check and
 * the moment the app binds it.
 */
export async function freePort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** True when the port is accepting connections on 127.0.0.1. */
export function isPortOpen(port) {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * Appends output to `logFile` and keeps the last lines in memory, so a crash can be reported
 * with them. For output that arrives in this process (the PostgreSQL server's).
 */
export function logSink(logFile) {
  const log = createWriteStream(logFile, { flags: 'a' });
  let tail = [];
  return {
    write(chunk) {
      log.write(chunk);
      tail = [...tail, ...chunk.toString().split('\n').filter(Boolean)].slice(-20);
    },
    end: () => log.end(),
    tail: () => tail.join('\n'),
  };
}

/** The last `lines` lines of a log file (read from its last 64 KiB). */
export function logTail(logFile, lines = 20) {
  let fd;
  try {
    fd = openSync(logFile, 'r');
    const length = Math.min(fstatSync(fd).size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, fstatSync(fd).size - length);
    return buffer.toString().split('\n').filter(Boolean).slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Starts a child that writes its output straight to `logFile` (appended): no pipe through this
 * process, which is also the gateway, so a service's log lines cost the gateway nothing.
 */
export function startChild(name, command, args, { env, cwd, logFile }) {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
    return { name, child, logFile, tail: () => logTail(logFile) };
  } finally {
    closeSync(fd);
  }
}

/** Polls `check()` until it resolves true; rejects when the child dies or time runs out. */
export async function waitUntil(check, { child, timeoutMs = 60_000, what }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
}

/** GET url → true when it answers 200. */
export async function answers200(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.status === 200;
}

/** SIGTERM, then SIGKILL after the grace period. */
export function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
