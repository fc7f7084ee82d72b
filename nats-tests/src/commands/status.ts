import type { ConsumerInfo, StreamInfo } from '@nats-io/jetstream';
import { millis } from '@nats-io/nats-core';
import { STREAM_NAME } from '@ticketing/common';
import { type ConnectionOptions, fetchStreamInfo, withJetStream } from '../connection';
import { formatAgo, formatBytes, formatDuration, formatTable, type Output } from '../output';

export interface StatusOptions extends ConnectionOptions {
  /** Print the report as one JSON document instead of text. */
  json?: boolean;
}

export interface StreamReport {
  name: string;
  subjects: string[];
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  /** When the last message was stored (absent on an empty stream). */
  lastTime?: string;
  duplicateWindowMs: number;
  /** Messages stored per subject. */
  perSubject: Record<string, number>;
  consumerCount: number;
}

export interface ConsumerReport {
  name: string;
  /** Absent for an ephemeral consumer (e.g. a running `tail`). */
  durable?: string;
  filterSubject?: string;
  /** Messages matching the filter that the consumer has not delivered yet. */
  numPending: number;
  /** Delivered but not acknowledged yet. */
  numAckPending: number;
  numRedelivered: number;
  /** Pull requests waiting: 0 means no replica is fetching right now. */
  numWaiting: number;
  deliveredStreamSeq: number;
  ackFloorStreamSeq: number;
  lastActive?: string;
}

export interface StatusReport {
  server: string;
  stream: StreamReport;
  consumers: ConsumerReport[];
}

/**
 * Reports the stream's state and every consumer's progress — where to look when an event seems
 * lost: is it in the stream (per-subject counts, last seq), has the service's durable got it
 * (delivered seq), is it stuck unacknowledged (ack pending, redelivered) or not pulled at all
 * (pending, last active)? A missing stream is a {@link CliError}.
 */
export async function status(options: StatusOptions, output: Output): Promise<StatusReport> {
  const report = await withJetStream(options, async ({ jsm }) => {
    const info = await fetchStreamInfo(jsm, options.server);
    const consumers: ConsumerInfo[] = [];
    for await (const consumer of jsm.consumers.list(STREAM_NAME)) consumers.push(consumer);
    consumers.sort((a, b) => a.name.localeCompare(b.name));
    return { server: options.server, stream: streamReport(info), consumers: consumers.map(consumerReport) };
  });

  if (options.json) output.out(JSON.stringify(report, null, 2));
  else printReport(report, output);
  return report;
}

function streamReport(info: StreamInfo): StreamReport {
  const { state, config } = info;
  return {
    name: config.name,
    subjects: config.subjects ?? [],
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    lastSeq: state.last_seq,
    ...(state.messages > 0 ? { lastTime: state.last_ts } : {}),
    duplicateWindowMs: millis(config.duplicate_window ?? 0),
    perSubject: Object.fromEntries(Object.entries(state.subjects ?? {}).sort(([a], [b]) => a.localeCompare(b))),
    consumerCount: state.consumer_count,
  };
}

function consumerReport(info: ConsumerInfo): ConsumerReport {
  const lastActive = latest(info.delivered.last_active, info.ack_floor.last_active);
  return {
    name: info.name,
    ...(info.config.durable_name ? { durable: info.config.durable_name } : {}),
    ...(info.config.filter_subject ? { filterSubject: info.config.filter_subject } : {}),
    numPending: info.num_pending,
    numAckPending: info.num_ack_pending,
    numRedelivered: info.num_redelivered,
    numWaiting: info.num_waiting,
    deliveredStreamSeq: info.delivered.stream_seq,
    ackFloorStreamSeq: info.ack_floor.stream_seq,
    ...(lastActive ? { lastActive } : {}),
  };
}

/**
 * The later of two `last_active` values. nats.js types them as nanoseconds, but the server
 * sends ISO timestamps (and omits them until the first delivery / ack).
 */
function latest(...values: unknown[]): string | undefined {
  const times = values.filter((value): value is string => typeof value === 'string' && value !== '');
  return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
}

function printReport({ server, stream, consumers }: StatusReport, output: Output): void {
  const now = new Date();
  const perSubject = Object.entries(stream.perSubject).map(([subject, count]) => `${subject} ${count}`);
  output.out(`Stream ${stream.name} on ${server}`);
  output.out(`  subjects          ${stream.subjects.join(', ')}`);
  output.out(`  messages          ${stream.messages} (${formatBytes(stream.bytes)})`);
  output.out(`  first / last seq  ${stream.firstSeq} / ${stream.lastSeq}`);
  output.out(
    `  last message      ${stream.lastTime ? `${stream.lastTime} (${formatAgo(new Date(stream.lastTime), now)})` : 'none'}`,
  );
  output.out(`  duplicate window  ${formatDuration(stream.duplicateWindowMs)}`);
  output.out(`  per subject       ${perSubject.length > 0 ? perSubject.join(', ') : 'none'}`);
  output.out('');
  if (consumers.length === 0) {
    output.out('Consumers: none (no service has subscribed yet)');
    return;
  }
  output.out(`Consumers (${consumers.length})`);
  const rows = consumers.map((consumer) => [
    consumer.durable ?? `${consumer.name} (ephemeral)`,
    consumer.filterSubject ?? '(all)',
    String(consumer.numPending),
    String(consumer.numAckPending),
    String(consumer.numRedelivered),
    String(consumer.numWaiting),
    String(consumer.deliveredStreamSeq),
    String(consumer.ackFloorStreamSeq),
    formatAgo(consumer.lastActive ? new Date(consumer.lastActive) : undefined, now),
  ]);
  const header = [
    'DURABLE',
    'FILTER',
    'PENDING',
    'ACK PENDING',
    'REDELIVERED',
    'WAITING',
    'DELIVERED SEQ',
    'ACK FLOOR SEQ',
    'LAST ACTIVE',
  ];
  for (const line of formatTable(header, rows)) output.out(line);
}
