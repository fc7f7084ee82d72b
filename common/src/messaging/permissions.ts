import { STREAM_NAME, type Subject, Subjects } from '../events/subjects';
import { CONSUMER_POSITIONS_STREAM, DEAD_LETTER_STREAM, durableName } from './stream-names';

/**
 * Who may do what on the bus. Each service connects as its own NATS user and may publish only
 * the events it owns — so no other process on the bus can, say, complete an order by publishing
 * payment.created — and consume only the events it listens to (through its own durable
 * consumers); besides, it may create and read the streams, park its own dead letters and save
 * its own consumer positions, answer its own operator commands, and acknowledge and heartbeat
 * its own messages. The `operator` user (`npm run events`) may do everything.
 */
export const EVENT_OWNERS = {
  auth: ['session.>'],
  tickets: ['ticket.>', 'event.>'],
  orders: ['order.>'],
  payments: ['payment.>', 'payout.>', 'claim.>'],
  expiration: ['expiration.>'],
  passes: ['pass.>'],
} as const satisfies Record<string, readonly string[]>;

export type EventOwner = keyof typeof EVENT_OWNERS;
export const EVENT_OWNER_NAMES = Object.keys(EVENT_OWNERS) as EventOwner[];

/** The events each service listens to: one durable consumer per subject (its listeners). */
export const EVENT_CONSUMERS: Record<EventOwner, readonly Subject[]> = {
  auth: [],
  tickets: [
    Subjects.OrderCreated,
    Subjects.OrderCancelled,
    Subjects.OrderCompleted,
    Subjects.PassIssued,
    Subjects.PassListed,
    Subjects.PassUnlisted,
    Subjects.PassRevoked,
    Subjects.PassAdmitted,
    Subjects.PassLockRefused,
    Subjects.SessionRevoked,
    Subjects.SessionsRevokedAll,
  ],
  orders: [
    Subjects.TicketCreated,
    Subjects.TicketUpdated,
    Subjects.ExpirationComplete,
    Subjects.PaymentCreated,
    Subjects.SessionRevoked,
    Subjects.SessionsRevokedAll,
  ],
  payments: [
    Subjects.OrderCreated,
    Subjects.OrderCancelled,
    Subjects.OrderCompleted,
    Subjects.EventCreated,
    Subjects.EventUpdated,
    Subjects.PassAdmitted,
    Subjects.SessionRevoked,
    Subjects.SessionsRevokedAll,
  ],
  expiration: [Subjects.OrderCreated],
  passes: [
    Subjects.TicketCreated,
    Subjects.TicketUpdated,
    Subjects.OrderCreated,
    Subjects.OrderCompleted,
    Subjects.EventCreated,
    Subjects.EventUpdated,
    Subjects.PaymentRefunded,
    Subjects.SessionRevoked,
    Subjects.SessionsRevokedAll,
  ],
};

/** The operator's user: full access, for `npm run events`. */
export const OPERATOR_USER = 'operator';

export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** Lets the user answer requests it received (operator commands) without publishing to `_INBOX.>`. */
  allow_responses: boolean;
}

const API = '$JS.API';
const STREAMS = [STREAM_NAME, DEAD_LETTER_STREAM, CONSUMER_POSITIONS_STREAM];

export function natsPermissions(service: EventOwner): NatsPermissions {
  const durables = EVENT_CONSUMERS[service].map((subject) => durableName(service, subject));
  return {
    publish: {
      allow: [
        ...EVENT_OWNERS[service],
        `dead.${service}.>`,
        `positions.${service}.>`,
        `${API}.INFO`,
        ...STREAMS.flatMap((stream) => ['INFO', 'CREATE', 'UPDATE'].map((verb) => `${API}.STREAM.${verb}.${stream}`)),
        `${API}.STREAM.MSG.GET.${CONSUMER_POSITIONS_STREAM}`,
        // An operator's `dead retry` is carried out by the service: it reads the letter, then drops it.
        `${API}.STREAM.MSG.GET.${DEAD_LETTER_STREAM}`,
        `${API}.STREAM.MSG.DELETE.${DEAD_LETTER_STREAM}`,
        ...durables.flatMap((durable) => [
          `${API}.CONSUMER.INFO.${STREAM_NAME}.${durable}`,
          // nats-server 2.9 creates durables here; 2.10 and later through CONSUMER.CREATE.
          `${API}.CONSUMER.DURABLE.CREATE.${STREAM_NAME}.${durable}`,
          `${API}.CONSUMER.CREATE.${STREAM_NAME}.${durable}`,
          `${API}.CONSUMER.CREATE.${STREAM_NAME}.${durable}.>`,
          `${API}.CONSUMER.MSG.NEXT.${STREAM_NAME}.${durable}`,
          `$JS.ACK.${STREAM_NAME}.${durable}.>`,
        ]),
      ],
    },
    // Replies to its requests, and the messages it pulls, arrive on its inbox.
    subscribe: { allow: ['_INBOX.>', `ticketing.admin.${service}.*`] },
    allow_responses: true,
  };
}

/**
 * The `authorization` block of nats-server's configuration: one user per service with
 * {@link natsPermissions}, and the operator. Passwords are given (made by the launcher, or
 * `$VARIABLE` references the server resolves from its environment in the cluster).
 */
export function natsAuthorizationConfig(passwords: Record<EventOwner | typeof OPERATOR_USER, string>): string {
  const quote = (value: string) => (value.startsWith('$') ? value : JSON.stringify(value));
  const list = (items: readonly string[]) =>
    `[\n${items.map((item) => `          ${JSON.stringify(item)}`).join('\n')}\n        ]`;
  const users = EVENT_OWNER_NAMES.map((service) => {
    const { publish, subscribe, allow_responses } = natsPermissions(service);
    return [
      `    {`,
      `      user: ${JSON.stringify(service)}, password: ${quote(passwords[service])}`,
      `      permissions: {`,
      `        publish: { allow: ${list(publish.allow)} }`,
      `        subscribe: { allow: ${list(subscribe.allow)} }`,
      `        allow_responses: ${allow_responses}`,
      `      }`,
      `    }`,
    ].join('\n');
  });
  users.push(`    { user: ${JSON.stringify(OPERATOR_USER)}, password: ${quote(passwords[OPERATOR_USER])} }`);
  return `authorization {\n  users = [\n${users.join(',\n')}\n  ]\n}\n`;
}

/** The environment variable the cluster's nats-server reads a user's password from, e.g. `ORDERS_NATS_PASSWORD`. */
export const natsPasswordVariable = (user: EventOwner | typeof OPERATOR_USER): string =>
  `${user.toUpperCase()}_NATS_PASSWORD`;

/** The users of the cluster's nats-server, their passwords read from its environment (a Secret). */
export function clusterNatsAuthorizationConfig(): string {
  const users = [...EVENT_OWNER_NAMES, OPERATOR_USER] as const;
  const passwords = Object.fromEntries(users.map((user) => [user, `$${natsPasswordVariable(user)}`]));
  return natsAuthorizationConfig(passwords as Record<EventOwner | typeof OPERATOR_USER, string>);
}
