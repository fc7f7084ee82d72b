import pino from 'pino';
import { type NatsServerHandle, startNatsServer } from '../../testing/nats-server';
import { AdminCommandError, adminSubject, requestAdminCommand, serveAdminCommands } from '../admin';
import { connectNats } from '../connect';

const logger = pino({ level: 'silent' });
let server: NatsServerHandle;
let nc: Awaited<ReturnType<typeof connectNats>>;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'admin-test', logger });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('operator commands over NATS request/reply', () => {
  it('when a command is sent, then one replica answers it with the handler result', async () => {
    const calls: string[] = [];
    const replica = (name: string) =>
      serveAdminCommands(nc, {
        service: 'widgets',
        logger,
        handlers: {
          echo: async (request) => {
            calls.push(name);
            return { echoed: request };
          },
        },
      });
    const [first, second] = [replica('a'), replica('b')];
    await nc.flush();

    await expect(requestAdminCommand(nc, 'widgets', 'echo', { id: 7 })).resolves.toEqual({ echoed: { id: 7 } });

    expect(calls).toHaveLength(1);
    await Promise.all([first.stop(), second.stop()]);
  });

  it('when the handler refuses, an unknown command is sent or the body is not a JSON object, then the operator reads why', async () => {
    const admin = serveAdminCommands(nc, {
      service: 'gadgets',
      logger,
      handlers: {
        retry: async ({ id }) => {
          throw new AdminCommandError(`No parked item ${String(id)}`);
        },
        crash: async () => {
          throw new Error('database password in a message');
        },
      },
    });
    await nc.flush();

    await expect(requestAdminCommand(nc, 'gadgets', 'retry', { id: 'x' })).rejects.toThrow('No parked item x');
    await expect(requestAdminCommand(nc, 'gadgets', 'drop')).rejects.toThrow(
      'Unknown command "drop"; known: retry, crash',
    );
    await expect(requestAdminCommand(nc, 'gadgets', 'crash')).rejects.toThrow(
      'The command failed; see the service log',
    );
    const raw = await nc.request(adminSubject('gadgets', 'retry'), '[1]');
    expect(raw.json()).toEqual({ ok: false, error: 'The request must be a JSON object' });
    const notJson = await nc.request(adminSubject('gadgets', 'retry'), '{');
    expect(notJson.json()).toEqual({ ok: false, error: 'The request is not JSON' });
    await admin.stop();
  });

  it('when no replica runs, then the request fails instead of waiting forever', async () => {
    await expect(requestAdminCommand(nc, 'nobody', 'list', {}, { timeoutMs: 500 })).rejects.toThrow();
  });
});
