/**
 * Who may publish what on the bus. Each service connects as its own NATS user and may publish
 * only the subjects it owns (its events) — so no other process on the bus can, say, complete an
 * order by publishing payment.created — plus what JetStream needs (its API, acks, the replies
 * to requests), its own dead letters and consumer positions; it may subscribe only to replies
 * (its inbox, where JetStream delivers pulled messages) and its own operator commands. The
 * `operator` user (npm run events) may do everything.
 */
export const EVENT_OWNERS = {
  tickets: ['ticket.>'],
  orders: ['order.>'],
  payments: ['payment.>'],
  expiration: ['expiration.>'],
} as const satisfies Record<string, readonly string[]>;

export type EventOwner = keyof typeof EVENT_OWNERS;
export const EVENT_OWNER_NAMES = Object.keys(EVENT_OWNERS) as EventOwner[];

/** The operator's user: full access, for `npm run events`. */
export const OPERATOR_USER = 'operator';

export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
}

export function natsPermissions(service: EventOwner): NatsPermissions {
  return {
    publish: {
      allow: [
        ...EVENT_OWNERS[service],
        '$JS.API.>',
        '$JS.ACK.>',
        '_INBOX.>',
        `dead.${service}.>`,
        `positions.${service}.>`,
      ],
    },
    subscribe: { allow: ['_INBOX.>', `ticketing.admin.${service}.*`] },
  };
}

/**
 * The `authorization` block of nats-server's configuration: one user per service with
 * {@link natsPermissions}, and the operator. Passwords are given (made by the launcher, or
 * `$VARIABLE` references the server resolves from its environment in the cluster).
 */
export function natsAuthorizationConfig(passwords: Record<EventOwner | typeof OPERATOR_USER, string>): string {
  const quote = (value: string) => (value.startsWith('$') ? value : JSON.stringify(value));
  const list = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
  const users = EVENT_OWNER_NAMES.map((service) => {
    const { publish, subscribe } = natsPermissions(service);
    return `    { user: ${JSON.stringify(service)}, password: ${quote(passwords[service])}, permissions: { publish: { allow: ${list(publish.allow)} }, subscribe: { allow: ${list(subscribe.allow)} } } }`;
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
