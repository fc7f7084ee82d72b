#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CliError, ExitCode } from './cli-error';
import { dead } from './commands/dead';
import { OUTBOX_SERVICES, outboxCommand } from './commands/outbox';
import { payouts } from './commands/payouts';
import { publish } from './commands/publish';
import { refunds } from './commands/refunds';
import { RESYNC_SOURCES, resync } from './commands/resync';
import { status } from './commands/status';
import { tail } from './commands/tail';
import { connectionFor, DEFAULT_SERVER, isNatsError, oneLine } from './connection';
import { type Output, processOutput } from './output';

const COMMON_HELP = `  --server <url>        NATS server (default: $NATS_URL, else the one npm start runs, else ${DEFAULT_SERVER});
                        the user is $NATS_USER/$NATS_PASSWORD, else npm start's operator
  -h, --help            show this help`;

const USAGE = `Usage: npm run events -- <command> [options]

Inspect and drive the Ticketing event stream (NATS JetStream).

Commands:
  tail [subject...]     print events as they arrive (--all replays the stream first)
  publish <subject>     publish a catalog event (JSON data or --sample), validated first
  status                the stream's state and every consumer's progress
  dead list|retry|drop  events the services parked after repeated failures
  outbox list|retry     outbox rows a service could not publish, parked
  refunds list|retry    payments' refund intents; put a parked (failed) one back
  payouts list|retry    payments' seller payouts; put a parked (failed) one back
  resync <service>      tickets or orders republishes every entity's state (after a restore)

Options:
${COMMON_HELP}

Run "npm run events -- <command> --help" for a command's options.
Exit codes: 0 ok, 1 wrong input or no stream, 2 NATS unreachable.`;

const TAIL_HELP = `Usage: npm run events -- tail [subject...] [--all | --from-seq <n>] [--json]

Prints each event as the stream stores it: time stored, subject, stream seq, eventId,
correlationId, data. Payloads that break their subject's contract are flagged INVALID.
Subjects are catalog subjects or wildcards (order.*, ticket.>); none means every subject.
Uses an ephemeral ordered consumer, never a durable: the services' consumers are untouched.
Ctrl-C stops.

Options:
  --all                 replay from the first message in the stream, then follow
  --from-seq <n>        replay from stream sequence n, then follow
  --json                one JSON object per line
${COMMON_HELP}`;

const PUBLISH_HELP = `Usage: npm run events -- publish <subject> [json] [--sample] [--correlation-id <id>] [--event-id <uuid>]

Publishes one catalog event the way the services do (msgID = eventId). The data is validated
against the subject's schema first; invalid data is reported and nothing is published.

Examples:
  publish ticket.created --sample
  publish expiration.complete '{"orderId":"8f1c…"}'
  publish order.cancelled '{"version":2}' --sample      JSON fields override the sample's

Options:
  --sample              build a valid sample payload (fresh uuids, price in cents, ...)
  --correlation-id <id> correlation id (default: the event id)
  --event-id <uuid>     event id (default: a new uuid); re-use one to see the duplicate dropped
${COMMON_HELP}`;

const STATUS_HELP = `Usage: npm run events -- status [--json]

Shows the stream (messages, bytes, first/last seq, messages per subject, duplicate window) and
each consumer: filter subject, pending (not delivered yet), ack pending (delivered, not acked),
redelivered, waiting pull requests, delivered and ack-floor stream seqs, last activity.

Options:
  --json                the report as JSON
${COMMON_HELP}`;

const DEAD_HELP = `Usage: npm run events -- dead list [--service <name>] [--json]
       npm run events -- dead retry <seq>...
       npm run events -- dead drop <seq>...

A listener retries a failing handler with growing delays; after 10 deliveries (or when an early
event is still not applicable after 16 deliveries, about 10 minutes, or when a payload breaks
its contract) it parks the event in the TICKETING_DEAD_LETTERS stream and moves on. Each dead
letter keeps the event, the service and consumer, the last error and the delivery count; the
services count them in /metrics (ticketing_dead_letters_parked). Dead letters are kept 90 days.

  list                  the dead letters, oldest first: SEQ is what retry and drop take
  retry <seq>...        the service that parked each runs it through its handler again (fix the
                        cause first); one that succeeds leaves the dead-letter stream
  drop <seq>...         removes them without running them

Options:
  --service <name>      list: only that service's dead letters
  --json                list: one JSON object per line
${COMMON_HELP}`;

const OUTBOX_HELP = `Usage: npm run events -- outbox list [<service>] [--json]
       npm run events -- outbox retry <service> <id>

The outbox relay of auth, tickets, orders and payments parks a row that fails 5 times while NATS
itself is healthy (a subject no stream captures, a payload over the server's limit), so the
rows after it keep flowing (ticketing_outbox_parked in /metrics). Fix the cause, then retry.

Options:
  --json                list: one JSON object per line
${COMMON_HELP}`;

const RESYNC_HELP = `Usage: npm run events -- resync tickets|orders

The service republishes the current state of every entity it owns (tickets: ticket.updated;
orders: order.created with the order's current status) as resync events, which replicas apply
whatever version they hold: after one database was restored from a backup, its versions may have
gone back, and without a resync the replicas would take its new changes for duplicates. Run it
after a restore, then check the platform with the invariant checker (README, disaster recovery).

Options:
${COMMON_HELP}`;

const REFUNDS_HELP = `Usage: npm run events -- refunds list [--status <state>] [--json]
       npm run events -- refunds retry <id>

Refund intents of the payments service: each payment that must give its money back (its order
was cancelled, or it was a second charge) gets one; the refund worker retries it until the
gateway confirms. A refund the gateway refuses for good (a disputed charge) is parked as
"failed" (refund_failed, counted by ticketing_refunds_failed in /metrics): fix the cause, then
retry it, which sends it with a fresh idempotency key. Answered by a running payments replica.

States: pending (being retried), succeeded, not_needed (no money was taken), failed (parked).

Options:
  --status <state>      list: only refunds in this state
  --json                list: one JSON object per line
${COMMON_HELP}`;

const PAYOUTS_HELP = `Usage: npm run events -- payouts list [--status <state>] [--json]
       npm run events -- payouts retry <id>

Payouts of the payments service: each completed order owes its seller the ticket's price less the
seller fee, paid by the payout scheduler once the hold after the event is over. A transfer the
gateway refuses PAYOUT_MAX_ATTEMPTS times is parked as "failed" (counted by
payments_payouts_failed in /metrics): fix the cause (the platform's balance, the seller's
account), then retry it, which sends it with a fresh idempotency key. Answered by a running
payments replica.

States: held (not paid yet), paid, cancelled, reversed, failed (parked).

Options:
  --status <state>      list: only payouts in this state
  --json                list: one JSON object per line
${COMMON_HELP}`;

const COMMON_OPTIONS = {
  server: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the CLI talks to; tests replace the process's streams, environment and signals. */
export interface CliContext {
  output: Output;
  env: Record<string, string | undefined>;
  signals: Pick<NodeJS.EventEmitter, 'once' | 'off'>;
}

const processContext: CliContext = { output: processOutput, env: process.env, signals: process };

/** Runs one command line and resolves with the exit code; never throws. */
export async function main(argv: readonly string[], context: CliContext = processContext): Promise<number> {
  try {
    return await dispatch([...argv], context);
  } catch (error) {
    if (error instanceof CliError) {
      context.output.err(error.message);
      return error.exitCode;
    }
    if (isNatsError(error)) {
      context.output.err(`NATS error: ${oneLine(error)}`);
      return ExitCode.ConnectionError;
    }
    context.output.err(`Unexpected error: ${oneLine(error)}`);
    return ExitCode.UserError;
  }
}

async function dispatch(argv: string[], context: CliContext): Promise<number> {
  const { output, env } = context;
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    output.out(USAGE);
    return ExitCode.Ok;
  }
  const connectionOf = (server: string | undefined) => connectionFor(server, env);

  switch (command) {
    case 'tail': {
      const { values, positionals } = parse(command, args, {
        all: { type: 'boolean' },
        'from-seq': { type: 'string' },
        json: { type: 'boolean' },
      });
      if (values.help) return help(output, TAIL_HELP);
      const controller = new AbortController();
      const stop = () => controller.abort();
      context.signals.once('SIGINT', stop);
      context.signals.once('SIGTERM', stop);
      try {
        const printed = await tail(
          {
            ...connectionOf(values.server),
            subjects: positionals,
            all: values.all ?? false,
            ...(values['from-seq'] !== undefined ? { fromSeq: parseSequence(values['from-seq']) } : {}),
            json: values.json ?? false,
            signal: controller.signal,
          },
          output,
        );
        output.err(`Stopped after ${printed} event${printed === 1 ? '' : 's'}.`);
        return ExitCode.Ok;
      } finally {
        context.signals.off('SIGINT', stop);
        context.signals.off('SIGTERM', stop);
      }
    }
    case 'publish': {
      const { values, positionals } = parse(command, args, {
        sample: { type: 'boolean' },
        'correlation-id': { type: 'string' },
        'event-id': { type: 'string' },
      });
      if (values.help) return help(output, PUBLISH_HELP);
      const [subject, data, ...extra] = positionals;
      if (subject === undefined) throw new CliError('publish needs a subject. Run "publish --help" for usage.');
      if (extra.length > 0) {
        throw new CliError(`Unexpected argument "${extra[0]}": give the data as one quoted JSON argument.`);
      }
      await publish(
        {
          ...connectionOf(values.server),
          subject,
          ...(data !== undefined ? { data } : {}),
          sample: values.sample ?? false,
          ...(values['correlation-id'] !== undefined ? { correlationId: values['correlation-id'] } : {}),
          ...(values['event-id'] !== undefined ? { eventId: values['event-id'] } : {}),
        },
        output,
      );
      return ExitCode.Ok;
    }
    case 'status': {
      const { values, positionals } = parse(command, args, { json: { type: 'boolean' } });
      if (values.help) return help(output, STATUS_HELP);
      if (positionals.length > 0) throw new CliError(`status takes no arguments (got "${positionals[0]}").`);
      await status({ ...connectionOf(values.server), json: values.json ?? false }, output);
      return ExitCode.Ok;
    }
    case 'dead': {
      const { values, positionals } = parse(command, args, { service: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return help(output, DEAD_HELP);
      const [action, ...rest] = positionals;
      if (action === 'list' && rest.length === 0) {
        await dead(
          { ...connectionOf(values.server), action, service: values.service, json: values.json ?? false },
          output,
        );
        return ExitCode.Ok;
      }
      if ((action === 'retry' || action === 'drop') && rest.length > 0) {
        await dead(
          {
            ...connectionOf(values.server),
            action,
            seqs: rest.map((seq) => parseSequence(seq, `dead ${action}`, 'dead-letter sequences')),
          },
          output,
        );
        return ExitCode.Ok;
      }
      throw new CliError(
        'Use "dead list", "dead retry <seq>..." or "dead drop <seq>...". Run "dead --help" for usage.',
      );
    }
    case 'outbox': {
      const { values, positionals } = parse(command, args, { json: { type: 'boolean' } });
      if (values.help) return help(output, OUTBOX_HELP);
      const [action, service, id, ...extra] = positionals;
      if (service !== undefined && !(OUTBOX_SERVICES as readonly string[]).includes(service)) {
        throw new CliError(`Unknown service "${service}". Services with an outbox: ${OUTBOX_SERVICES.join(', ')}.`);
      }
      if (action === 'list' && id === undefined) {
        await outboxCommand({ ...connectionOf(values.server), action, service, json: values.json ?? false }, output);
        return ExitCode.Ok;
      }
      if (action === 'retry' && service !== undefined && id !== undefined && extra.length === 0) {
        await outboxCommand(
          {
            ...connectionOf(values.server),
            action,
            service,
            id: parseSequence(id, 'outbox retry', 'an outbox row id'),
          },
          output,
        );
        return ExitCode.Ok;
      }
      throw new CliError(
        'Use "outbox list [<service>]" or "outbox retry <service> <id>". Run "outbox --help" for usage.',
      );
    }
    case 'resync': {
      const { values, positionals } = parse(command, args, {});
      if (values.help) return help(output, RESYNC_HELP);
      const [service, ...extra] = positionals;
      if (service === undefined || extra.length > 0 || !(RESYNC_SOURCES as readonly string[]).includes(service)) {
        throw new CliError(`Use "resync tickets" or "resync orders". Run "resync --help" for usage.`);
      }
      await resync({ ...connectionOf(values.server), service }, output);
      return ExitCode.Ok;
    }
    case 'refunds': {
      const { values, positionals } = parse(command, args, { status: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return help(output, REFUNDS_HELP);
      const [action, id, ...extra] = positionals;
      if (action === 'list' && id === undefined) {
        await refunds(
          { ...connectionOf(values.server), action, status: values.status, json: values.json ?? false },
          output,
        );
        return ExitCode.Ok;
      }
      if (action === 'retry' && id !== undefined && extra.length === 0) {
        await refunds({ ...connectionOf(values.server), action, id }, output);
        return ExitCode.Ok;
      }
      throw new CliError(
        'Use "refunds list [--status <state>]" or "refunds retry <id>". Run "refunds --help" for usage.',
      );
    }
    case 'payouts': {
      const { values, positionals } = parse(command, args, { status: { type: 'string' }, json: { type: 'boolean' } });
      if (values.help) return help(output, PAYOUTS_HELP);
      const [action, id, ...extra] = positionals;
      if (action === 'list' && id === undefined) {
        await payouts(
          { ...connectionOf(values.server), action, status: values.status, json: values.json ?? false },
          output,
        );
        return ExitCode.Ok;
      }
      if (action === 'retry' && id !== undefined && extra.length === 0) {
        await payouts({ ...connectionOf(values.server), action, id }, output);
        return ExitCode.Ok;
      }
      throw new CliError(
        'Use "payouts list [--status <state>]" or "payouts retry <id>". Run "payouts --help" for usage.',
      );
    }
    default:
      throw new CliError(
        `Unknown command "${command}". Commands: tail, publish, status, dead, outbox, refunds, payouts, resync. Run with --help for usage.`,
      );
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse<const O extends OptionSpec>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, ...COMMON_OPTIONS }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${oneLine(error)}. Run "${command} --help" for usage.`);
  }
}

function help(output: Output, text: string): number {
  output.out(text);
  return ExitCode.Ok;
}

function parseSequence(text: string, what = '--from-seq', noun = 'a stream sequence'): number {
  if (!/^[1-9]\d*$/.test(text)) throw new CliError(`${what} needs ${noun} (1, 2, …), got "${text}".`);
  return Number(text);
}

if (require.main === module) {
  // `tail | head` closes the pipe: that is the reader's way of saying it has seen enough.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.Ok);
    throw error;
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
