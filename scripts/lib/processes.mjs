// Child-process plumbing for the launcher: free ports, readiness polling, log capture.
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, Socket } from 'node:net';

/**
 * A free TCP port on the loopback interface, drawn from 20000–32767: below Linux's ephemeral
 * range, so a port the kernel hands to some other socket cannot take it between this check and
 * the moment the app binds it.
 */
export async function freePort(reserved = []) {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    // A port promised to something that does not listen yet (the gateway's) is not free.
    if (reserved.includes(port)) continue;
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

/**
 * Polls `check()` until it resolves true; rejects when the child dies or time runs out. A check
 * that never settles cannot hold the loop past the deadline, and the error says what the last
 * check saw (a check reports it by throwing or resolving a string).
 */
export async function waitUntil(check, { child, timeoutMs = 60_000, what }) {
  const deadline = Date.now() + timeoutMs;
  const NEVER_FINISHED = 'the last check never finished';
  let last = NEVER_FINISHED;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    let timer;
    const outcome = await Promise.race([
      Promise.resolve()
        .then(check)
        .catch((error) => error.message),
      new Promise((resolve) => {
        timer = setTimeout(resolve, Math.max(deadline - Date.now(), 0), NEVER_FINISHED);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === true) return;
    // A check cut short by the deadline says less than the one before it.
    if (typeof outcome === 'string' && outcome !== NEVER_FINISHED) last = outcome;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s (${last})`);
}

/**
 * GET url → true when it answers 200 within `timeoutMs`; otherwise rejects saying what happened.
 * node:http with its own timer, so a request that hangs is always torn down.
 */
export function answers200(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      response.resume();
      response.once('error', reject);
      response.once('end', () => {
        clearTimeout(timer);
        if (response.statusCode === 200) resolve(true);
        else reject(new Error(`${url} answered ${response.statusCode}`));
      });
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
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
