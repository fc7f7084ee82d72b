import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import express from 'express';
import pino from 'pino';
import { KEEP_ALIVE_TIMEOUT_MS, LISTEN_BACKLOG, runMain, serve } from '../serve';

const logger = pino({ level: 'silent' });

describe('serve', () => {
  it('when shut down, then it stops listening, runs every cleanup step in order, and exits 0', async () => {
    const steps: string[] = [];
    const exit = jest.fn();
    const app = express().get('/ping', (_req, res) => res.json({ ok: true }));
    const running = serve({
      service: 'demo',
      app,
      port: 0,
      logger,
      signals: [],
      exit,
      cleanup: [async () => steps.push('listeners'), async () => steps.push('database')],
    });
    const port = await running.ready;
    expect(await (await fetch(`http://127.0.0.1:${port}/ping`)).json()).toEqual({ ok: true });

    await Promise.all([running.shutdown('test'), running.shutdown('again')]);

    expect(steps).toEqual(['listeners', 'database']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
    await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow();
  });

  it('when it listens, then the kernel queues a burst of connections up to LISTEN_BACKLOG, not 511', async () => {
    const running = serve({ service: 'demo', app: express(), port: 0, logger, signals: [], exit: jest.fn() });
    const port = await running.ready;
    // For a listening socket, `ss` reports the limit of its accept queue in the Send-Q column.
    const [, , limit] = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    await running.shutdown();
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(Number(limit)).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
  });

  it('when a connection idles, then the service keeps it open longer than the proxies in front keep theirs (60 s)', async () => {
    const running = serve({ service: 'demo', app: express(), port: 0, logger, signals: [], exit: jest.fn() });
    await running.ready;
    await running.shutdown();
    expect(running.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(running.server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(running.server.headersTimeout).toBeGreaterThan(running.server.keepAliveTimeout);
  });

  it('when a cleanup step fails, then the next ones still run and the exit code is 1', async () => {
    const exit = jest.fn();
    const later = jest.fn();
    const running = serve({
      service: 'demo',
      app: express(),
      port: 0,
      logger,
      signals: [],
      exit,
      cleanup: [() => Promise.reject(new Error('broker gone')), later],
    });
    await running.ready;
    await running.shutdown();
    expect(later).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(1);
  });
});

describe('runMain', () => {
  it('when start-up fails, then it prints one line naming the service and exits 1', async () => {
    const exit = jest.fn();
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await runMain('tickets', () => Promise.reject(new Error('database unreachable')), exit);
    expect(write).toHaveBeenCalledWith('tickets failed to start: database unreachable\n');
    expect(exit).toHaveBeenCalledWith(1);
    write.mockRestore();
  });

  it('when start-up succeeds, then it does not exit', async () => {
    const exit = jest.fn();
    await runMain('tickets', async () => undefined, exit);
    expect(exit).not.toHaveBeenCalled();
  });
});
