import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from '../logging';

/**
 * Operator requests travel as core NATS request/reply on `ticketing.admin.<service>.<command>`
 * (outside the event stream, never stored): every replica of a service answers in one queue
 * group, so a command reaches one replica; the state it reads or changes is the service's
 * database, which all replicas share.
 */
export const ADMIN_SUBJECT_PREFIX = 'ticketing.admin';

export const adminSubject = (service: string, command: string): string =>
  `${ADMIN_SUBJECT_PREFIX}.${service}.${command}`;

/** A command's handler: the request's JSON in, the answer's JSON out; throw {@link AdminCommandError} to refuse. */
export type AdminHandler = (request: Record<string, unknown>) => Promise<unknown>;

/** A refusal the operator should read (unknown id, wrong state), answered as `{ ok: false, error }`. */
export class AdminCommandError extends Error {
  override readonly name = 'AdminCommandError';
}

type AdminAnswer = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Answers the service's operator commands until the connection closes or `stop()` is called.
 * Unexpected failures are logged and answered with a generic error.
 */
export function serveAdminCommands(
  nc: NatsConnection,
  { service, handlers, logger }: { service: string; handlers: Record<string, AdminHandler>; logger: Logger },
): { stop(): Promise<void> } {
  const subscription: Subscription = nc.subscribe(adminSubject(service, '*'), { queue: `${service}-admin` });
  // A subscription the server refuses (NATS permissions) ends the loop: logged, never a crash.
  const done = (async () => {
    for await (const msg of subscription) await answer(msg);
  })().catch((error: unknown) => logger.error({ err: error, service }, 'operator commands are not served'));

  async function answer(msg: Msg): Promise<void> {
    const command = msg.subject.slice(adminSubject(service, '').length);
    const handler = Object.hasOwn(handlers, command) ? handlers[command] : undefined;
    let reply: AdminAnswer;
    try {
      if (!handler)
        throw new AdminCommandError(`Unknown command "${command}"; known: ${Object.keys(handlers).join(', ')}`);
      const request: unknown = msg.data.length > 0 ? JSON.parse(msg.string()) : {};
      if (typeof request !== 'object' || request === null || Array.isArray(request)) {
        throw new AdminCommandError('The request must be a JSON object');
      }
      reply = { ok: true, result: await handler(request as Record<string, unknown>) };
    } catch (error) {
      if (error instanceof AdminCommandError) {
        reply = { ok: false, error: error.message };
      } else if (error instanceof SyntaxError) {
        reply = { ok: false, error: 'The request is not JSON' };
      } else {
        logger.error({ err: error, command }, 'operator command failed');
        reply = { ok: false, error: 'The command failed; see the service log' };
      }
    }
    msg.respond(JSON.stringify(reply));
  }

  return {
    async stop() {
      subscription.unsubscribe();
      await done;
    },
  };
}

/**
 * Sends an operator command to a service and resolves with its result.
 *
 * @throws AdminCommandError when the service refused it (the message says why)
 * @throws the NATS error when no replica answers within `timeoutMs` (the service is not running)
 */
export async function requestAdminCommand(
  nc: NatsConnection,
  service: string,
  command: string,
  request: Record<string, unknown> = {},
  { timeoutMs = 5_000 }: { timeoutMs?: number } = {},
): Promise<unknown> {
  const msg = await nc.request(adminSubject(service, command), JSON.stringify(request), { timeout: timeoutMs });
  const answer = msg.json() as AdminAnswer;
  if (!answer.ok) throw new AdminCommandError(answer.error);
  return answer.result;
}
