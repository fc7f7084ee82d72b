import { z } from 'zod';
import { CLAIM_OUTCOMES } from '../events/subjects';
import { CURRENCY_CODES } from '../money/currencies';
import { instant, uuid, uuidField } from './fields';
import { defineOperation, type ServiceApi } from './operation';

/** A Stripe test token (`tok_visa`) or PaymentMethod id (`pm_card_visa`, `pm_1Q…`). */
export const PAYMENT_TOKEN = /^(tok|pm)_[A-Za-z0-9_]+$/;

/** `<label> is required` when absent or empty (any falsy value), `<label> must be a string` when not a string. */
const presence = (label: string) => (issue: { input?: unknown }) =>
  !issue.input ? `${label} is required` : `${label} must be a string`;

/** What a buyer sends to pay an order. Unknown fields are ignored. */
export const paymentRequestJson = z
  .object({
    // RFC 9562 UUIDs (versions 1–8, the nil and the max one), the rule payments has always applied.
    orderId: z
      .uuid({
        error: (issue) =>
          typeof issue.input === 'string' && issue.input !== ''
            ? 'orderId must be a valid id'
            : presence('orderId')(issue),
      })
      .meta({ description: 'The order to pay (`POST /api/orders`).' }),
    token: z
      .string({ error: presence('token') })
      .min(1, 'token is required')
      .max(255, 'token must be at most 255 characters')
      .regex(PAYMENT_TOKEN, 'token must be a Stripe token (tok_…) or PaymentMethod id (pm_…)')
      .meta({
        description:
          'A Stripe token (`tok_visa`) or PaymentMethod id (`pm_card_visa`, `pm_1Q…`); the sandbox follows Stripe’s test tokens.',
      }),
  })
  .meta({ examples: [{ orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34', token: 'tok_visa' }] });

/** A payment that succeeded: the order completes. */
export const paymentJson = z
  .object({ id: uuid() })
  .meta({ examples: [{ id: '3c5e7a90-1b2d-4f6a-8c9e-0d1f2a3b4c5d' }] });

export type PaymentJson = z.infer<typeof paymentJson>;

/** A payment whose PaymentIntent is still processing at Stripe: the webhook settles it. */
export const pendingPaymentJson = z
  .object({ id: uuid(), status: z.literal('pending') })
  .meta({ examples: [{ id: '3c5e7a90-1b2d-4f6a-8c9e-0d1f2a3b4c5d', status: 'pending' }] });

export type PendingPaymentJson = z.infer<typeof pendingPaymentJson>;

/** How payments run. */
export const paymentModeJson = z
  .object({
    gateway: z.enum(['sandbox', 'stripe']).meta({
      description: '`sandbox`: charges are simulated and no money moves; `stripe`: real (or Stripe test-mode) charges.',
    }),
    currency: z.enum(CURRENCY_CODES).meta({ description: 'The currency of every charge (`PAYMENT_CURRENCY`).' }),
  })
  .meta({ examples: [{ gateway: 'sandbox', currency: 'usd' }] });

export type PaymentModeJson = z.infer<typeof paymentModeJson>;

/** Text PostgreSQL can store: a NUL character would make the insert fail (a 500 instead of a 400). */
const storableText = () =>
  z
    .string()
    .min(1)
    .max(255)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character it refuses.
    .regex(/^[^\u0000]*$/, 'must not contain NUL characters');

/**
 * A Stripe event as Stripe posts it, reduced to what the service reads; its other fields are
 * accepted as they are. A signed body that does not fit is answered `WEBHOOK_EVENT_MALFORMED`.
 */
export const stripeEventJson = z
  .object({
    id: storableText().meta({ description: 'The event id (`evt_…`): each one has one effect, a redelivery none.' }),
    type: storableText().meta({
      description:
        '`payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded` and `account.updated` (a connected account’s payout readiness) are applied; every other type is acknowledged and ignored.',
    }),
    data: z.object({
      object: z.unknown().meta({
        description: 'The PaymentIntent, the Charge of `charge.refunded`, or the Account of `account.updated`.',
      }),
    }),
  })
  .meta({
    description: 'A Stripe event object (https://docs.stripe.com/api/events/object), exactly the bytes Stripe signed.',
    examples: [
      {
        id: 'evt_3QxZb2L5mN8pR4tV1a2b3c4d',
        object: 'event',
        api_version: '2026-10-28.endive',
        created: 1796580000,
        livemode: false,
        pending_webhooks: 1,
        type: 'payment_intent.succeeded',
        data: {
          object: {
            id: 'pi_3QxZb2L5mN8pR4tV0e1f2g3h',
            object: 'payment_intent',
            amount: 4500,
            currency: 'usd',
            status: 'succeeded',
            metadata: {
              orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
              userId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
              paymentId: '3c5e7a90-1b2d-4f6a-8c9e-0d1f2a3b4c5d',
            },
          },
        },
      },
    ],
  });

export type StripeEventJson = z.infer<typeof stripeEventJson>;

/** The webhook's acknowledgement: the event was applied, was a redelivery, or is of a type the service ignores. */
export const webhookReceivedJson = z.object({ received: z.literal(true) }).meta({ examples: [{ received: true }] });

export type WebhookReceivedJson = z.infer<typeof webhookReceivedJson>;

const createPayment = defineOperation({
  operationId: 'createPayment',
  method: 'post',
  path: '/api/payments',
  summary: 'Pay a reservation',
  description:
    'Charges the order’s price to the card (a Stripe PaymentIntent confirmed at once), for the order’s buyer, before `expiresAt`. An order payments has not heard of yet is waited for, up to `ORDER_WAIT_MS`, before `ORDER_NOT_FOUND`. One payment per order: concurrent attempts get `PAYMENT_IN_PROGRESS` or `ORDER_PAID`. A declined card (402) leaves the order payable; after a gateway time-out or error (502, 503) retry with the same card.',
  auth: 'required',
  body: paymentRequestJson,
  responses: {
    201: { description: 'Paid: the order completes.', body: paymentJson },
    202: {
      description: 'The PaymentIntent is still processing; the webhook completes the order.',
      body: pendingPaymentJson,
    },
  },
  errors: {
    400: [
      'ORDER_CANCELLED',
      'ORDER_EXPIRED',
      'ORDER_PAID',
      'PAYMENT_IN_PROGRESS',
      'PAYMENT_REJECTED',
      'PAYMENT_RETRY_MISMATCH',
    ],
    401: ['ORDER_NOT_OWNED'],
    402: ['CARD_DECLINED', 'CARD_AUTHENTICATION_REQUIRED'],
    404: ['ORDER_NOT_FOUND'],
    502: ['GATEWAY_ERROR'],
    503: ['GATEWAY_TIMEOUT', 'GATEWAY_UNAVAILABLE', 'GATEWAY_CIRCUIT_OPEN', 'PAYMENT_UNCONFIRMED'],
  },
});

const showPaymentMode = defineOperation({
  operationId: 'showPaymentMode',
  method: 'get',
  path: '/api/payments/mode',
  summary: 'How payments run',
  description: 'Public, so the web app can say on every page when no money moves (`sandbox`).',
  auth: 'none',
  responses: { 200: { description: 'The gateway and the currency.', body: paymentModeJson } },
  errors: {},
});

const receiveStripeEvent = defineOperation({
  operationId: 'receiveStripeEvent',
  method: 'post',
  path: '/api/payments/webhook',
  summary: 'Stripe’s signed webhook',
  description:
    'Called by Stripe, not by people. The signature is verified over the raw body with `STRIPE_WEBHOOK_SECRET`; each event id is applied once. Stripe delivers an event again after any 5xx (503 `WEBHOOK_NOT_CONFIGURED`, or a 500 when it could not be recorded).',
  auth: 'none',
  rawBody: true,
  headers: z.object({
    'Stripe-Signature': z.string().meta({
      description:
        'Stripe’s signature of the body (`t=…,v1=…`); missing: `WEBHOOK_SIGNATURE_MISSING`, wrong: `WEBHOOK_SIGNATURE_INVALID`.',
    }),
  }),
  body: stripeEventJson,
  responses: {
    200: {
      description: 'Received: applied, a redelivery, or a type the service ignores.',
      body: webhookReceivedJson,
    },
  },
  errors: {
    400: ['WEBHOOK_SIGNATURE_MISSING', 'WEBHOOK_SIGNATURE_INVALID', 'WEBHOOK_EVENT_MALFORMED'],
    503: ['WEBHOOK_NOT_CONFIGURED'],
  },
});

/** Where a seller's payout account stands. */
export const PAYOUT_ACCOUNT_STATUSES = ['none', 'onboarding', 'ready'] as const;
export type PayoutAccountStatus = (typeof PAYOUT_ACCOUNT_STATUSES)[number];

const accountStatus = z.enum(PAYOUT_ACCOUNT_STATUSES).meta({
  description:
    '`none`: no payout account yet; `onboarding`: a Stripe Connect account whose onboarding is not finished; `ready`: payouts can be paid to it.',
});

const decimal = (description: string) => z.number().nonnegative().meta({ description });

/** The signed-in seller's payout account, and the money waiting for it. */
export const payoutAccountJson = z
  .object({
    status: accountStatus,
    awaiting: z
      .object({
        sales: z.number().int().nonnegative().meta({ description: 'Sales whose payout waits for a ready account.' }),
        amount: decimal('What those payouts add up to, in decimal units of `currency`.'),
        currency: z.enum(CURRENCY_CODES),
      })
      .meta({ description: 'Payouts held until the account is ready (none once it is).' }),
  })
  .meta({ examples: [{ status: 'none', awaiting: { sales: 1, amount: 42.75, currency: 'usd' } }] });

export type PayoutAccountJson = z.infer<typeof payoutAccountJson>;

/** The answer to starting (or continuing) onboarding. */
export const payoutOnboardingJson = z
  .object({
    status: accountStatus,
    onboardingUrl: z.url().nullable().meta({
      description:
        "Stripe's hosted onboarding page (an account link, valid a few minutes; it returns to the web app's `/payouts`); null when the account is ready (the sandbox's at once).",
    }),
  })
  .meta({
    examples: [
      { status: 'onboarding', onboardingUrl: 'https://connect.stripe.com/setup/e/acct_1Q2w3E4r5T6y7U8i/aBcD' },
      { status: 'ready', onboardingUrl: null },
    ],
  });

export type PayoutOnboardingJson = z.infer<typeof payoutOnboardingJson>;

/** How a seller sees one payout. */
export const PAYOUT_STATES = [
  'held',
  'awaiting_account',
  'on_hold',
  'paid',
  'cancelled',
  'reversed',
  'failed',
] as const;
export type PayoutState = (typeof PAYOUT_STATES)[number];

export const payoutJson = z.object({
  id: uuid(),
  orderId: uuid(),
  ticketId: uuid(),
  price: decimal('The ticket’s price the buyer paid for it (the buyer fee not included).'),
  sellerFee: decimal('The seller fee (`SELLER_FEE_PERCENT` of the price) the platform keeps.'),
  amount: decimal('What the seller receives: price − seller fee.'),
  currency: z.enum(CURRENCY_CODES),
  state: z.enum(PAYOUT_STATES).meta({
    description:
      '`held` until `dueAt`; `awaiting_account` until the seller’s payout account is ready; `on_hold` while a claim is open; `paid`; `cancelled` (refunded before payout); `reversed` (taken back after payout); `failed` (the transfer was refused repeatedly; an operator retries it).',
  }),
  dueAt: instant().nullable().meta({
    description:
      'When the payout is due: the event’s start (or the sale, without an event) plus `PAYOUT_HOLD_HOURS`; null when not known yet.',
  }),
  paidAt: instant().nullable(),
});

export type PayoutJson = z.infer<typeof payoutJson>;

export const payoutListQuery = z.strictObject({
  state: z.enum(PAYOUT_STATES).optional().meta({ description: 'Only the payouts in this state.' }),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(100, 'limit must be at most 100')
    .default(50)
    .meta({ description: 'The newest `limit` payouts (1–100, default 50).' }),
});

export const payoutListJson = z.object({ payouts: z.array(payoutJson) }).meta({
  examples: [
    {
      payouts: [
        {
          id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
          orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
          ticketId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
          price: 45,
          sellerFee: 2.25,
          amount: 42.75,
          currency: 'usd',
          state: 'held',
          dueAt: '2026-12-12T22:00:00.000Z',
          paidAt: null,
        },
      ],
    },
  ],
});

export type PayoutListJson = z.infer<typeof payoutListJson>;

const GATEWAY_ERRORS = {
  502: ['GATEWAY_ERROR'],
  503: ['GATEWAY_TIMEOUT', 'GATEWAY_UNAVAILABLE', 'GATEWAY_CIRCUIT_OPEN'],
} as const;

const showPayoutAccount = defineOperation({
  operationId: 'showPayoutAccount',
  method: 'get',
  path: '/api/payments/payout-account',
  summary: 'The seller’s payout account',
  description:
    'Where the signed-in seller’s payout account stands, and how much of their sales waits for it. An account still onboarding is looked up at Stripe (the seller may just have finished); if Stripe cannot be reached, the last known status is answered.',
  auth: 'required',
  responses: { 200: { description: 'The account’s status and the payouts waiting for it.', body: payoutAccountJson } },
  errors: {},
});

const startPayoutOnboarding = defineOperation({
  operationId: 'startPayoutOnboarding',
  method: 'post',
  path: '/api/payments/payout-account',
  summary: 'Connect a payout account',
  description:
    'Creates the seller’s payout account once (a Stripe Connect Express account; in the sandbox an offline account, ready at once) and answers a fresh onboarding link while it is not ready. Calling it again continues the same onboarding.',
  auth: 'required',
  responses: {
    200: { description: 'The account’s status, and where to finish onboarding.', body: payoutOnboardingJson },
  },
  errors: GATEWAY_ERRORS,
});

const listPayouts = defineOperation({
  operationId: 'listPayouts',
  method: 'get',
  path: '/api/payments/payouts',
  summary: 'My payouts',
  description:
    'The signed-in seller’s sales and what each pays them (the ticket’s price less the seller fee), newest first, with its state.',
  auth: 'required',
  query: payoutListQuery,
  responses: { 200: { description: 'The seller’s payouts.', body: payoutListJson } },
  errors: {},
});

/** Where a buyer's claim stands: `open` holds the payout; the others are its outcomes. */
export const CLAIM_STATUSES = ['open', ...CLAIM_OUTCOMES] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** The longest claim message, in characters. */
export const CLAIM_MESSAGE_MAX = 1000;

/** What a buyer sends to open a claim. Unknown fields are ignored. */
export const claimRequestJson = z
  .object({
    orderId: uuidField('orderId', 'orderId must be a valid id').meta({
      description: 'The completed order whose ticket did not work.',
    }),
    message: z
      .string({ error: presence('message') })
      .trim()
      .min(1, 'message is required')
      .max(CLAIM_MESSAGE_MAX, `message must be at most ${CLAIM_MESSAGE_MAX} characters`)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character it refuses.
      .regex(/^[^\u0000]*$/, 'message must not contain NUL characters')
      .meta({ description: `What went wrong, for the operator (1–${CLAIM_MESSAGE_MAX} characters).` }),
  })
  .meta({
    examples: [
      {
        orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
        message: 'The scanner at the door said the code was invalid.',
      },
    ],
  });

export const claimJson = z
  .object({
    id: uuid(),
    orderId: uuid(),
    buyerId: uuid(),
    message: z.string(),
    status: z.enum(CLAIM_STATUSES).meta({
      description:
        '`open`: the seller’s payout is held until an operator decides; `declined` (the pass was admitted at the door); `refunded` (the buyer gets the total back; the payout is cancelled or reversed); `released` (the seller is paid as usual).',
    }),
    reason: z.string().nullable().meta({ description: 'Why it was declined or decided, when it was.' }),
    resolvedBy: uuid()
      .nullable()
      .meta({ description: 'The operator who decided it; null while open or when declined automatically.' }),
    openedAt: instant(),
    resolvedAt: instant().nullable(),
  })
  .meta({
    examples: [
      {
        id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
        orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
        buyerId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
        message: 'The scanner at the door said the code was invalid.',
        status: 'open',
        reason: null,
        resolvedBy: null,
        openedAt: '2026-12-12T21:10:00.000Z',
        resolvedAt: null,
      },
    ],
  });

export type ClaimJson = z.infer<typeof claimJson>;

export const claimListQuery = z.strictObject({
  status: z.enum(CLAIM_STATUSES).optional().meta({ description: 'Only the claims in this status.' }),
  all: z
    .enum(['true', 'false'], { error: 'all must be true or false' })
    .optional()
    .transform((value) => value === 'true')
    .meta({
      description:
        '`true`: every claim, for operators only (403 `OPERATOR_ONLY` otherwise) — what the operator page asks. Without it an operator sees every claim and anyone else their own.',
    }),
});

export const claimListJson = z.object({ claims: z.array(claimJson) });
export type ClaimListJson = z.infer<typeof claimListJson>;

/** How an operator decides an open claim. */
export const CLAIM_DECISIONS = ['refund', 'release'] as const;
export type ClaimDecision = (typeof CLAIM_DECISIONS)[number];

export const claimResolutionJson = z
  .object({
    decision: z.enum(CLAIM_DECISIONS, { error: 'decision must be refund or release' }).meta({
      description:
        '`refund`: the buyer gets the order’s total back and the seller’s payout is cancelled (reversed if it was paid); `release`: the hold is lifted and the seller is paid as usual.',
    }),
  })
  .meta({ examples: [{ decision: 'refund' }] });

const claimIdParams = z.object({ id: uuidField('Claim id') });

const openClaim = defineOperation({
  operationId: 'openClaim',
  method: 'post',
  path: '/api/payments/claims',
  summary: 'Report a problem with a ticket',
  description:
    'The buyer of a completed order opens a claim while the seller has not been paid: the payout is held until an operator refunds the buyer or releases it. One claim per order. If the buyer’s pass was admitted at the door, the claim is declined at once (201, status `declined`, with the reason).',
  auth: 'required',
  body: claimRequestJson,
  responses: { 201: { description: 'The claim: `open`, or `declined` when the pass was admitted.', body: claimJson } },
  errors: {
    403: ['CLAIM_NOT_BUYER'],
    404: ['ORDER_NOT_FOUND'],
    409: ['CLAIM_ORDER_NOT_COMPLETE', 'CLAIM_EXISTS', 'CLAIM_TOO_LATE'],
  },
});

const listClaims = defineOperation({
  operationId: 'listClaims',
  method: 'get',
  path: '/api/payments/claims',
  summary: 'Claims',
  description:
    'The signed-in buyer’s claims, newest first; an operator (an email in `OPERATOR_EMAILS`) sees every claim.',
  auth: 'required',
  query: claimListQuery,
  responses: { 200: { description: 'The claims.', body: claimListJson } },
  errors: { 403: ['OPERATOR_ONLY'] },
});

const resolveClaim = defineOperation({
  operationId: 'resolveClaim',
  method: 'post',
  path: '/api/payments/claims/{id}/resolve',
  summary: 'Decide a claim (operators)',
  description:
    'An operator refunds the buyer in full (a refund intent performed by the refund worker; the payout is cancelled, or its transfer reversed if it was paid) or releases the payout to the seller.',
  auth: 'required',
  params: claimIdParams,
  body: claimResolutionJson,
  responses: { 200: { description: 'The claim, decided.', body: claimJson } },
  errors: { 403: ['OPERATOR_ONLY'], 404: ['CLAIM_NOT_FOUND'], 409: ['CLAIM_NOT_OPEN', 'ORDER_NOT_REFUNDABLE'] },
});

/** One step of an order's money. */
export const orderHistoryEntryJson = z.object({
  kind: z.string().meta({
    description:
      '`sold`, `payout_paid`, `payout_failed`, `payout_retried`, `payout_cancelled`, `payout_reversed`, `refund_requested`, `claim_opened`, `claim_declined`, `claim_refunded`, `claim_released`.',
  }),
  detail: z.record(z.string(), z.unknown()),
  at: instant(),
});

export const orderHistoryJson = z.object({ orderId: uuid(), entries: z.array(orderHistoryEntryJson) });
export type OrderHistoryJson = z.infer<typeof orderHistoryJson>;

const showOrderHistory = defineOperation({
  operationId: 'showOrderHistory',
  method: 'get',
  path: '/api/payments/orders/{orderId}/history',
  summary: 'The money history of an order',
  description: 'Every step of an order’s money, oldest first, for its buyer, its seller, or an operator.',
  auth: 'required',
  params: z.object({ orderId: uuidField('orderId', 'orderId must be a valid id') }),
  responses: { 200: { description: 'The order’s history.', body: orderHistoryJson } },
  errors: { 403: ['ORDER_HISTORY_FORBIDDEN'], 404: ['ORDER_NOT_FOUND'] },
});

/** The payments service's operations, by name. */
export const paymentsOperations = {
  createPayment,
  showPaymentMode,
  receiveStripeEvent,
  showPayoutAccount,
  startPayoutOnboarding,
  listPayouts,
  openClaim,
  listClaims,
  resolveClaim,
  showOrderHistory,
};

export const paymentsApi: ServiceApi = {
  service: 'payments',
  title: 'Ticketing payments API',
  description:
    'Buyers pay their reservations (Stripe PaymentIntents, or the offline sandbox); Stripe reports what happens to the charges through a signed webhook.',
  prefix: '/api/payments',
  operations: Object.values(paymentsOperations),
};
