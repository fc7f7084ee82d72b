import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the stand-in received, as the SDK sent it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The form-encoded body, nested as Stripe reads it (`metadata[orderId]` → `{ metadata: { orderId } }`). */
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}

export interface StripeStandIn {
  /** `http://127.0.0.1:<port>`: the STRIPE_API_URL the SDK is pointed at. */
  url: string;
  /** Every request received, in order (including the ones answered with a failure). */
  requests: RecordedRequest[];
  /** The POST /v1/payment_intents requests: the charges attempted. */
  chargeRequests(): RecordedRequest[];
  /** The next `times` requests answer `status` with a Stripe `api_error` (default 500). */
  failNext(times: number, status?: number): void;
  /** Every request from now on gets no answer until {@link StripeStandIn.reset}. */
  hang(): void;
  /** Answers each request only after `ms`, to widen race windows. */
  delay(ms: number): void;
  /**
   * Handles each request at once but sends its answer (a replayed one too) only after `ms`: a
   * charge made, its answer late or lost. Given `paths` (`/v1/transfers`), only theirs.
   */
  slowAnswers(ms: number, paths?: readonly string[]): void;
  /** From now on (until reset) refunds are refused for good, as for a disputed charge. */
  disputeRefunds(): void;
  /** The POST /v1/transfers requests: the payouts attempted. */
  transferRequests(): RecordedRequest[];
  /** The transfers made (each one moved money once, however often its key was replayed). */
  transfers(): StandInTransfer[];
  /**
   * The connected account finishes onboarding: its `transfers` capability becomes `active` and
   * `payouts_enabled` true, as Stripe reports once the seller has given what it asks for.
   */
  completeOnboarding(accountId: string): void;
  /**
   * From now on (until reset) transfers are refused with a 400 `invalid_request_error` (default:
   * the platform's balance is too low, `balance_insufficient`), as Stripe refuses them.
   */
  refuseTransfers(refusal?: { message: string; code: string }): void;
  /**
   * From now on, sends Stripe-signed events about what it does to the webhook at `url`, `delayMs`
   * after each (default 50), retrying until the webhook answers 2xx.
   */
  forwardEvents(url: string, secret: string, options?: { delayMs?: number }): void;
  /**
   * Back to normal answers; hanging requests are cut off. Recorded requests (and the list of
   * transfers made) are kept unless asked.
   */
  reset(options?: { clearRequests?: boolean }): void;
  close(): Promise<void>;
}

export const STAND_IN_API_KEY = 'sk_test_standin_0123456789';

interface StoredIntent {
  id: string;
  amount: number;
  currency: string;
  status: string;
  metadata: Record<string, unknown>;
  latestCharge: string | null;
  refunded: boolean;
  body: Record<string, unknown>;
}

/** A transfer the stand-in made to a connected account. */
export interface StandInTransfer {
  id: string;
  amount: number;
  currency: string;
  destination: string;
  transferGroup: string | null;
  metadata: Record<string, unknown>;
  /** The reversal ids, when it was taken back. */
  reversals: string[];
}

interface StoredAccount {
  id: string;
  ready: boolean;
  body: Record<string, unknown>;
}

type Answer = { status: number; body: unknown };

/** Test tokens the stand-in knows, as Stripe's test mode answers them. */
const SUCCEEDING = new Set(['tok_visa', 'tok_mastercard', 'tok_amex', 'pm_card_visa', 'pm_card_mastercard']);
const DECLINING: Record<string, { code: string; decline_code?: string; message: string }> = {
  tok_chargeDeclined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  tok_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  tok_chargeDeclinedExpiredCard: { code: 'expired_card', message: 'Your card has expired.' },
};
/** Not a Stripe token: makes the stand-in answer a `processing` PaymentIntent, which cards rarely do. */
export const PROCESSING_TOKEN = 'tok_standin_processing';

/**
 * A local HTTP server that speaks the part of the Stripe API the payments service uses —
 * POST /v1/payment_intents, GET /v1/payment_intents/:id and /search (by metadata),
 * POST /v1/refunds, and the Connect parts (POST /v1/accounts of Express accounts, GET
 * /v1/accounts/:id, POST /v1/account_links, POST /v1/transfers, POST /v1/transfers/:id/reversals),
 * form-encoded, with Stripe's idempotency
 * (a repeated Idempotency-Key replays the first answer) and Stripe-shaped errors — and records
 * every request, so tests check what the SDK really sent.
 */
export async function startStripeStandIn(): Promise<StripeStandIn> {
  const requests: RecordedRequest[] = [];
  const intents = new Map<string, StoredIntent>();
  const accounts = new Map<string, StoredAccount>();
  const transfers = new Map<string, StandInTransfer>();
  let transferRefusal: { message: string; code: string } | undefined;
  const remembered = new Map<string, { fingerprint: string; answer: Answer }>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let failures: { times: number; status: number } = { times: 0, status: 500 };
  let hang = false;
  let delayMs = 0;
  let answerDelayMs = 0;
  /** The paths whose answers are delayed (every path when undefined). */
  let slowPaths: readonly string[] | undefined;
  const answerDelayOf = (path: string) => (slowPaths === undefined || slowPaths.includes(path) ? answerDelayMs : 0);
  let refundsDisputed = false;
  let webhook: { url: string; secret: string; delayMs: number } | undefined;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  /** setTimeout that close() cancels, so nothing of the stand-in outlives it. */
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const pause = (ms: number) => new Promise<void>((resolve) => later(ms, resolve));

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const body = parseForm(raw);
    const idempotencyKey = header(req, 'idempotency-key');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({
      method: req.method ?? 'GET',
      path,
      body,
      idempotencyKey,
      authorization: header(req, 'authorization'),
    });

    if (hang) {
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    if (delayMs > 0) await pause(delayMs);
    if (failures.times > 0) {
      failures.times -= 1;
      send(res, failures.status, apiError('Something went wrong on Stripe’s end.'));
      return;
    }
    if (header(req, 'authorization') !== `Bearer ${STAND_IN_API_KEY}`) {
      send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_****' } });
      return;
    }
    if (idempotencyKey) {
      const previous = remembered.get(idempotencyKey);
      if (previous) {
        if (previous.fingerprint !== `${path}:${raw}`) {
          send(res, 400, {
            error: {
              type: 'idempotency_error',
              message:
                'Keys for idempotent requests can only be used with the same parameters they were first used with.',
            },
          });
          return;
        }
        res.setHeader('Idempotent-Replayed', 'true');
        if (answerDelayOf(path) > 0) await pause(answerDelayOf(path));
        send(res, previous.answer.status, previous.answer.body);
        return;
      }
    }
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const answer = route(req.method ?? 'GET', path, body, query);
    if (idempotencyKey && answer.status !== 409)
      remembered.set(idempotencyKey, { fingerprint: `${path}:${raw}`, answer });
    if (answerDelayOf(path) > 0) await pause(answerDelayOf(path));
    send(res, answer.status, answer.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function route(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): Answer {
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(body);
    if (method === 'POST' && path === '/v1/refunds') return createRefund(body);
    if (method === 'POST' && path === '/v1/accounts') return createAccount(body);
    if (method === 'POST' && path === '/v1/account_links') return createAccountLink(body);
    if (method === 'POST' && path === '/v1/transfers') return createTransfer(body);
    const account = /^\/v1\/accounts\/([^/]+)$/.exec(path);
    if (method === 'GET' && account) {
      const found = accounts.get(decodeURIComponent(account[1]!));
      return found
        ? { status: 200, body: accountBody(found) }
        : { status: 404, body: invalidRequest(`No such account: '${account[1]}'`, 'resource_missing') };
    }
    const reversal = /^\/v1\/transfers\/([^/]+)\/reversals$/.exec(path);
    if (method === 'POST' && reversal) return createReversal(decodeURIComponent(reversal[1]!));
    if (method === 'GET' && path === '/v1/payment_intents/search') return searchIntents(query.get('query') ?? '');
    const retrieve = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && retrieve) {
      const intent = intents.get(decodeURIComponent(retrieve[1]!));
      return intent
        ? { status: 200, body: intent.body }
        : { status: 404, body: invalidRequest(`No such payment_intent: '${retrieve[1]}'`, 'resource_missing') };
    }
    return { status: 404, body: invalidRequest(`Unrecognized request URL (${method}: ${path}).`) };
  }

  /** Stripe's search query language, as far as `metadata['key']:'value'` goes. */
  function searchIntents(search: string): Answer {
    const clause = /^metadata\['([^']+)'\]:'([^']*)'$/.exec(search.trim());
    if (!clause) return { status: 400, body: invalidRequest(`Unsupported search query: ${search}`) };
    const [, key, value] = clause;
    const data = [...intents.values()].filter((intent) => intent.metadata[key!] === value).map((intent) => intent.body);
    return { status: 200, body: { object: 'search_result', url: '/v1/payment_intents/search', has_more: false, data } };
  }

  function storeIntent(body: Record<string, unknown>): void {
    const id = String(body.id);
    intents.set(id, {
      id,
      amount: Number(body.amount),
      currency: String(body.currency),
      status: String(body.status),
      metadata: (body.metadata ?? {}) as Record<string, unknown>,
      latestCharge: (body.latest_charge as string | null) ?? null,
      refunded: false,
      body,
    });
  }

  /**
   * Sends a Stripe-signed event to the attached webhook, as Stripe does after the API answered,
   * and again (every 250 ms, for up to a minute) until the webhook answers 2xx — Stripe retries
   * for days.
   */
  function emit(type: string, object: Record<string, unknown>): void {
    if (!webhook) return;
    const { url, secret } = webhook;
    const payload = JSON.stringify({
      id: stripeId('evt'),
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000),
      data: { object },
    });
    const deliver = async (attempt: number): Promise<void> => {
      if (closed || webhook?.url !== url) return;
      const delivered = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload, secret) },
        body: payload,
      }).then(
        (response) => response.ok,
        () => false,
      );
      if (!delivered && attempt < 240) later(250, () => void deliver(attempt + 1));
    };
    later(webhook.delayMs, () => void deliver(0));
  }

  function createIntent(body: Record<string, unknown>): Answer {
    if ('payment_method_types' in body) {
      return {
        status: 400,
        body: invalidRequest(
          'payment_method_types is no longer supported; use allowed_payment_method_types.',
          'payment_method_types_no_longer_supported',
        ),
      };
    }
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount <= 0)
      return { status: 400, body: invalidRequest('Invalid integer', 'parameter_invalid_integer') };
    const currency = String(body.currency ?? '');
    const data = body.payment_method_data as { card?: { token?: string } } | undefined;
    const token = (body.payment_method as string | undefined) ?? data?.card?.token ?? '';
    const id = stripeId('pi');
    const intent = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency,
      status: 'requires_payment_method',
      confirmation_method: 'automatic',
      capture_method: 'automatic_async',
      allowed_payment_method_types: ['card'],
      payment_method_types: ['card'],
      metadata: body.metadata ?? {},
      transfer_group: body.transfer_group ?? null,
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      latest_charge: null as string | null,
      last_payment_error: null as unknown,
      payment_method: token.startsWith('pm_') ? token : stripeId('pm'),
    };
    const decline = DECLINING[token];
    if (decline) {
      const error = {
        type: 'card_error',
        ...decline,
        charge: stripeId('ch'),
        doc_url: `https://docs.stripe.com/error-codes/${decline.code.replace('_', '-')}`,
      };
      const declined = { ...intent, last_payment_error: error };
      storeIntent(declined);
      emit('payment_intent.payment_failed', declined);
      return { status: 402, body: { error: { ...error, payment_intent: declined } } };
    }
    if (token === PROCESSING_TOKEN) {
      storeIntent({ ...intent, status: 'processing' });
      return { status: 200, body: { ...intent, status: 'processing' } };
    }
    if (!SUCCEEDING.has(token)) {
      return { status: 400, body: invalidRequest(`No such token: '${token}'`, 'resource_missing') };
    }
    const latestCharge = stripeId('ch');
    const succeeded = { ...intent, status: 'succeeded', amount_received: amount, latest_charge: latestCharge };
    storeIntent(succeeded);
    emit('payment_intent.succeeded', succeeded);
    return { status: 200, body: succeeded };
  }

  function createRefund(body: Record<string, unknown>): Answer {
    const paymentIntent = String(body.payment_intent ?? '');
    const intent = intents.get(paymentIntent);
    if (intent?.status !== 'succeeded')
      return { status: 400, body: invalidRequest(`No such payment_intent: '${paymentIntent}'`, 'resource_missing') };
    if (refundsDisputed) {
      return {
        status: 400,
        body: invalidRequest(
          `Charge ${intent.latestCharge} has been disputed; it cannot be refunded.`,
          'charge_disputed',
        ),
      };
    }
    if (intent.refunded) {
      return {
        status: 400,
        body: invalidRequest(`Charge ${intent.latestCharge} has already been refunded.`, 'charge_already_refunded'),
      };
    }
    intent.refunded = true;
    emit('charge.refunded', {
      id: intent.latestCharge,
      object: 'charge',
      payment_intent: intent.id,
      amount: intent.amount,
      amount_refunded: intent.amount,
      refunded: true,
    });
    return {
      status: 200,
      body: {
        id: stripeId('re'),
        object: 'refund',
        amount: intent.amount,
        currency: intent.currency,
        charge: intent.latestCharge,
        payment_intent: intent.id,
        status: 'succeeded',
        created: Math.floor(Date.now() / 1000),
      },
    };
  }

  function accountBody(account: StoredAccount): Record<string, unknown> {
    return {
      ...account.body,
      charges_enabled: false,
      payouts_enabled: account.ready,
      details_submitted: account.ready,
      capabilities: { transfers: account.ready ? 'active' : 'inactive' },
    };
  }

  /** Express accounts only (`type: express`, or the controller properties that make one). */
  function createAccount(body: Record<string, unknown>): Answer {
    const controller = body.controller as { stripe_dashboard?: { type?: string } } | undefined;
    const express = body.type === 'express' || controller?.stripe_dashboard?.type === 'express';
    if (!express) {
      return {
        status: 400,
        body: invalidRequest('The stand-in creates Express accounts only (type: express).', 'parameter_invalid_empty'),
      };
    }
    const id = stripeId('acct');
    const account: StoredAccount = {
      id,
      ready: false,
      body: {
        id,
        object: 'account',
        type: 'express',
        email: body.email ?? null,
        country: body.country ?? 'US',
        metadata: body.metadata ?? {},
        created: Math.floor(Date.now() / 1000),
      },
    };
    accounts.set(id, account);
    return { status: 200, body: accountBody(account) };
  }

  function createAccountLink(body: Record<string, unknown>): Answer {
    const account = accounts.get(String(body.account ?? ''));
    if (!account) {
      return { status: 400, body: invalidRequest(`No such account: '${body.account ?? ''}'`, 'resource_missing') };
    }
    for (const field of ['refresh_url', 'return_url', 'type'] as const) {
      if (!body[field])
        return { status: 400, body: invalidRequest(`Missing required param: ${field}.`, 'parameter_missing') };
    }
    if (body.type !== 'account_onboarding' && body.type !== 'account_update') {
      return { status: 400, body: invalidRequest(`Invalid type: ${body.type}`, 'parameter_invalid_string') };
    }
    const created = Math.floor(Date.now() / 1000);
    return {
      status: 200,
      body: {
        object: 'account_link',
        created,
        expires_at: created + 300,
        url: `https://connect.stripe.com/setup/e/${account.id}/${randomBytes(8).toString('hex')}`,
      },
    };
  }

  function createTransfer(body: Record<string, unknown>): Answer {
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount <= 0)
      return { status: 400, body: invalidRequest('Invalid integer', 'parameter_invalid_integer') };
    const destination = String(body.destination ?? '');
    const account = accounts.get(destination);
    if (!account)
      return { status: 400, body: invalidRequest(`No such destination: '${destination}'`, 'resource_missing') };
    if (!account.ready) {
      return {
        status: 400,
        body: invalidRequest(
          'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
          'insufficient_capabilities_for_transfer',
        ),
      };
    }
    if (transferRefusal) return { status: 400, body: invalidRequest(transferRefusal.message, transferRefusal.code) };
    const transfer: StandInTransfer = {
      id: stripeId('tr'),
      amount,
      currency: String(body.currency ?? ''),
      destination,
      transferGroup: (body.transfer_group as string | undefined) ?? null,
      metadata: (body.metadata ?? {}) as Record<string, unknown>,
      reversals: [],
    };
    transfers.set(transfer.id, transfer);
    return { status: 200, body: transferBody(transfer) };
  }

  function transferBody(transfer: StandInTransfer): Record<string, unknown> {
    return {
      id: transfer.id,
      object: 'transfer',
      amount: transfer.amount,
      amount_reversed: transfer.reversals.length > 0 ? transfer.amount : 0,
      currency: transfer.currency,
      destination: transfer.destination,
      transfer_group: transfer.transferGroup,
      metadata: transfer.metadata,
      reversed: transfer.reversals.length > 0,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
  }

  /** A reversal of the whole transfer (the only kind payments asks for). */
  function createReversal(transferId: string): Answer {
    const transfer = transfers.get(transferId);
    if (!transfer)
      return { status: 404, body: invalidRequest(`No such transfer: '${transferId}'`, 'resource_missing') };
    if (transfer.reversals.length > 0) {
      return {
        status: 400,
        body: invalidRequest(`Transfer ${transferId} has already been fully reversed.`, 'transfer_already_reversed'),
      };
    }
    const id = stripeId('trr');
    transfer.reversals.push(id);
    return {
      status: 200,
      body: {
        id,
        object: 'transfer_reversal',
        amount: transfer.amount,
        currency: transfer.currency,
        transfer: transfer.id,
        created: Math.floor(Date.now() / 1000),
      },
    };
  }

  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  const cutHanging = () => {
    for (const res of hanging) res.socket?.destroy();
    hanging.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    chargeRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents'),
    failNext(times, status = 500) {
      failures = { times, status };
    },
    hang() {
      hang = true;
    },
    delay(ms) {
      delayMs = ms;
    },
    slowAnswers(ms, paths) {
      answerDelayMs = ms;
      slowPaths = paths;
    },
    disputeRefunds() {
      refundsDisputed = true;
    },
    transferRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers'),
    transfers: () => [...transfers.values()],
    completeOnboarding(accountId) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`The stand-in has no account ${accountId}`);
      account.ready = true;
    },
    refuseTransfers(
      refusal = {
        message: 'You have insufficient available funds in your Stripe account.',
        code: 'balance_insufficient',
      },
    ) {
      transferRefusal = refusal;
    },
    forwardEvents(url, secret, { delayMs = 50 } = {}) {
      webhook = { url, secret, delayMs };
    },
    reset({ clearRequests = false } = {}) {
      hang = false;
      delayMs = 0;
      answerDelayMs = 0;
      slowPaths = undefined;
      refundsDisputed = false;
      transferRefusal = undefined;
      webhook = undefined;
      failures = { times: 0, status: 500 };
      cutHanging();
      if (clearRequests) {
        requests.length = 0;
        transfers.clear();
      }
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      cutHanging();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Request-Id', stripeId('req'));
  res.end(JSON.stringify(body));
}

/** The `Stripe-Signature` header Stripe sends: `t=<unix time>,v1=<HMAC-SHA256 of "<t>.<payload>">`. */
export function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

function apiError(message: string) {
  return { error: { type: 'api_error', message } };
}

function invalidRequest(message: string, code?: string) {
  return { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}) } };
}

function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `a[b][0]=x&c=y` → `{ a: { b: ['x'] }, c: 'y' }`, the way Stripe reads its form bodies. */
export function parseForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== '');
    let node: Record<string, unknown> = root;
    path.forEach((part, index) => {
      if (index === path.length - 1) {
        node[part] = value;
        return;
      }
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return arrays(root) as Record<string, unknown>;
}

function arrays(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, item]) => [key, arrays(item)] as const);
  const numeric = entries.length > 0 && entries.every(([key], index) => key === String(index));
  return numeric ? entries.map(([, item]) => item) : Object.fromEntries(entries);
}
