import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectNats, createLogger, ensureStream, natsAuthorizationConfig } from '@ticketing/common';
import { type NatsServerHandle, startNatsServer } from '@ticketing/common/testing';
import { main } from '../src/cli';
import { memoryOutput } from './helpers';

const passwords = {
  auth: 'auth-secret',
  tickets: 'tickets-secret',
  orders: 'orders-secret',
  payments: 'payments-secret',
  expiration: 'expiration-secret',
  passes: 'passes-secret',
  operator: 'operator-secret',
};

let server: NatsServerHandle;
let dataDir: string;

beforeAll(async () => {
  server = await startNatsServer({ config: natsAuthorizationConfig(passwords) });
  const nc = await connectNats({
    url: server.url,
    name: 'credentials-test',
    logger: createLogger('test', 'silent'),
    user: 'operator',
    pass: passwords.operator,
  });
  await ensureStream(nc);
  await nc.close();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ticketing-cli-data-'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(env: Record<string, string | undefined>, ...argv: string[]) {
  const output = memoryOutput();
  const code = await main(argv, { output, env, signals: new EventEmitter() });
  return { code, output };
}

describe('credentials on a server that checks them', () => {
  it('when npm start wrote its operator user, then a command with no --server uses that server and user', async () => {
    writeFileSync(
      path.join(dataDir, 'nats-operator.json'),
      JSON.stringify({ url: server.url, user: 'operator', password: passwords.operator }),
    );

    const { code, output } = await run({ TICKETING_DATA_DIR: dataDir }, 'status', '--json');

    expect(output.notes).toEqual([]);
    expect(code).toBe(0);
    expect(JSON.parse(output.lines.join('\n'))).toMatchObject({ server: server.url });
  });

  it('when NATS_USER and NATS_PASSWORD are set, then they are used', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ticketing-cli-empty-'));
    try {
      const env = { TICKETING_DATA_DIR: empty, NATS_URL: server.url, NATS_USER: 'operator' };
      expect((await run({ ...env, NATS_PASSWORD: passwords.operator }, 'status')).code).toBe(0);

      const refused = await run({ ...env, NATS_PASSWORD: 'wrong' }, 'status');
      expect(refused.code).toBe(2);
      expect(refused.output.notes.join('\n')).toMatch(/refused user operator/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("when a service's user publishes another service's event, then NATS refuses it", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ticketing-cli-empty-'));
    try {
      const env = { TICKETING_DATA_DIR: empty, NATS_URL: server.url, NATS_USER: 'payments' };
      const { code, output } = await run(
        { ...env, NATS_PASSWORD: passwords.payments },
        'publish',
        'order.created',
        '--sample',
      );
      expect(code).not.toBe(0);
      expect(output.notes.join('\n')).toMatch(/ermission/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
