import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats, createLogger } from '@ticketing/common';
import { freePort, type NatsServerHandle, startNatsServer, waitFor } from '@ticketing/common/testing';
import { type CliContext, main } from '../src/cli';
import { freshStream, memoryOutput, storedMessageCount } from './helpers';

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'cli-test', logger: createLogger('test', 'silent') });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

beforeEach(() => freshStream(nc));

function context(env: Record<string, string | undefined> = {}) {
  const output = memoryOutput();
  const signals = new EventEmitter();
  const ctx: CliContext = { output, env, signals };
  return { ...ctx, output, signals, run: (...argv: string[]) => main(argv, ctx) };
}

describe('cli (in process)', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])(
    'when run with %j, then it prints the usage and exits 0',
    async (argv) => {
      const cli = context();

      expect(await cli.run(...argv)).toBe(0);
      expect(cli.output.lines[0]).toMatch(/^Usage: npm run events -- <command> \[options\]\n/);
    },
  );

  it.each([
    ['tail', 'Usage: npm run events -- tail [subject...]'],
    ['publish', 'Usage: npm run events -- publish <subject> [json]'],
    ['status', 'Usage: npm run events -- status [--json]'],
  ])('when run with "%s --help", then it prints that command’s help and exits 0', async (command, usage) => {
    const cli = context();

    expect(await cli.run(command, '--help')).toBe(0);
    expect(cli.output.lines[0]).toMatch(new RegExp(`^${usage.replace(/[[\]]/g, '\\$&')}`));
    expect(cli.output.lines[0]).toContain('--server <url>');
  });

  it.each([
    [
      ['deploy'],
      'Unknown command "deploy". Commands: tail, publish, status, dead, outbox, refunds, payouts, resync. Run with --help for usage.',
    ],
    [['tail', '--bogus'], /Unknown option '--bogus'.*Run "tail --help" for usage/],
    [['tail', '--from-seq', 'abc'], '--from-seq needs a stream sequence (1, 2, …), got "abc".'],
    [['publish'], 'publish needs a subject. Run "publish --help" for usage.'],
    [['publish', 'ticket.created', '{}', 'x'], /Unexpected argument "x"/],
    [['publish', 'ticket.create', '--sample'], /^Unknown subject "ticket.create". Catalog subjects: ticket.created, /],
    [['status', 'now'], 'status takes no arguments (got "now").'],
  ])('when run with %j, then it explains the mistake and exits 1', async (argv, message) => {
    const cli = context();

    expect(await cli.run(...argv)).toBe(1);
    expect(cli.output.notes).toEqual([typeof message === 'string' ? message : expect.stringMatching(message)]);
  });

  it('when publishing with --server, then the event is stored and exit code is 0', async () => {
    const cli = context();

    const code = await cli.run(
      'publish',
      'ticket.created',
      '--sample',
      '--server',
      server.url,
      '--correlation-id',
      'op-1',
      '--event-id',
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );

    expect(code).toBe(0);
    expect(cli.output.lines).toContain('  eventId        0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(cli.output.lines).toContain('  correlationId  op-1');
    expect(await storedMessageCount(nc)).toBe(1);
  });

  it('when NATS_URL is set and --server is not, then NATS_URL is used', async () => {
    const cli = context({ NATS_URL: server.url });

    expect(await cli.run('status', '--json')).toBe(0);
    expect(JSON.parse(cli.output.lines.join('\n'))).toMatchObject({ server: server.url, stream: { messages: 0 } });
  });

  it('when a tail gets SIGINT, then it stops cleanly, exits 0 and releases the signal handlers', async () => {
    await main(['publish', 'order.cancelled', '--sample', '--server', server.url], context());
    const cli = context({ NATS_URL: server.url });

    const running = cli.run('tail', '--all', 'order.cancelled');
    await waitFor(() => cli.output.lines.length === 1);
    cli.signals.emit('SIGINT');

    expect(await running).toBe(0);
    expect(cli.output.notes.at(-1)).toBe('Stopped after 1 event.');
    expect(cli.signals.listenerCount('SIGINT') + cli.signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('when something unexpected fails, then it prints one line and exits 1', async () => {
    const output = {
      out: () => {
        throw new Error('stdout is gone');
      },
      err: jest.fn(),
    };

    expect(await main(['--help'], { output, env: {}, signals: new EventEmitter() })).toBe(1);
    expect(output.err).toHaveBeenCalledWith('Unexpected error: stdout is gone');
  });
});

describe('cli (as a process, like `npm run events`)', () => {
  const workspace = path.join(__dirname, '..');
  const tsx = path.join(workspace, '..', 'node_modules', '.bin', 'tsx');

  /** Runs the CLI the way the workspace's `events` script does: tsx src/cli.ts from nats-tests/. */
  function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        tsx,
        ['src/cli.ts', ...args],
        { cwd: workspace, env: { ...process.env, NATS_URL: '' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  }

  it('when run for help, an unknown subject and an unreachable server, then it exits 0, 1 and 2', async () => {
    const unreachable = `nats://127.0.0.1:${await freePort()}`;

    const [help, unknownSubject, noServer] = await Promise.all([
      runCli('--help'),
      runCli('publish', 'ticket.create', '--sample'),
      runCli('status', '--server', unreachable),
    ]);

    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: npm run events -- <command> \[options\]\n/);
    expect(unknownSubject).toMatchObject({ code: 1, stdout: '' });
    expect(unknownSubject.stderr).toMatch(/^Unknown subject "ticket.create". Catalog subjects: ticket.created, .*\n$/);
    expect(noServer).toMatchObject({ code: 2, stdout: '' });
    expect(noServer.stderr).toMatch(new RegExp(`^Could not connect to NATS at ${unreachable} within 3 s: [^\\n]+\\n$`));
  });
});
