import { z } from 'zod';
import { ORDER_STATUSES } from '../events/subjects';
import { CURRENCY_CODES } from '../money/currencies';
import { instant, uuid, uuidField } from './fields';
import { defineOperation, type ServiceApi } from './operation';

/**
 * An order as the API shows it; amounts are decimal units of `currency` (events carry minor
 * units), all stored on the order at reservation: `total` = `price` + `buyerFee`.
 */
export const orderJson = z
  .object({
    id: uuid(),
    userId: uuid(),
    status: z.enum(ORDER_STATUSES).meta({
      description:
        '`created` and `awaiting:payment` hold the ticket until `expiresAt`; `complete` is paid; `cancelled` ended unpaid.',
    }),
    expiresAt: instant(),
    version: z.int().nonnegative(),
    price: z.number().positive().meta({
      description:
        "The ticket's price (the seller's price) when it was reserved, stored on the order; fees come on top.",
    }),
    buyerFee: z.number().nonnegative().meta({
      description:
        'The service fee the buyer pays on top of the price: `BUYER_FEE_PERCENT` of it at reservation, rounded half up to the cent (0 on orders made before fees).',
    }),
    total: z.number().positive().meta({
      description: 'What the buyer pays and is charged: `price` + `buyerFee`, stored on the order at reservation.',
    }),
    currency: z.enum(CURRENCY_CODES),
    ticket: z.object({
      id: uuid(),
      title: z.string(),
      price: z
        .number()
        .positive()
        .meta({ description: "The same as the order's `price` (the listing may have changed since)." }),
    }),
    createdAt: instant().meta({ description: 'When the ticket was reserved (the order was made).' }),
    paidAt: instant().nullable().meta({ description: 'When the payment completed the order; null until it is paid.' }),
    paymentId: uuid().nullable().meta({
      description:
        'The payment that completed the order (the `id` `POST /api/payments` answered), the reference to quote about it; null until it is paid.',
    }),
  })
  .meta({
    examples: [
      {
        id: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
        userId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
        status: 'created',
        expiresAt: '2026-12-06T18:15:00.000Z',
        version: 0,
        price: 45,
        buyerFee: 4.5,
        total: 49.5,
        currency: 'usd',
        ticket: { id: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', title: 'Concert, row F', price: 45 },
        createdAt: '2026-12-06T18:00:00.000Z',
        paidAt: null,
        paymentId: null,
      },
    ],
  });

export type OrderJson = z.infer<typeof orderJson>;

const orderIdParams = z.object({ id: uuidField('Order id') });

const createOrder = defineOperation({
  operationId: 'createOrder',
  method: 'post',
  path: '/api/orders',
  summary: 'Reserve a ticket',
  description:
    'Reserves the ticket for the signed-in buyer until `expiresAt` (`EXPIRATION_WINDOW_SECONDS`), storing its price, the buyer fee (`BUYER_FEE_PERCENT`) and their total on the order. At most one active order per ticket: every other buyer gets `TICKET_RESERVED`. A ticket its seller unlisted cannot be reserved (409 `TICKET_WITHDRAWN`).',
  auth: 'required',
  body: z.object({ ticketId: uuidField('ticketId') }),
  responses: { 201: { description: 'The reservation.', body: orderJson } },
  errors: {
    400: ['OWN_TICKET', 'TICKET_RESERVED'],
    404: ['TICKET_NOT_FOUND'],
    409: ['TICKET_WITHDRAWN'],
    429: ['RESERVATION_LIMIT', 'RESERVATION_COOLDOWN', 'RATE_LIMITED'],
  },
});

const listOrders = defineOperation({
  operationId: 'listOrders',
  method: 'get',
  path: '/api/orders',
  summary: "The signed-in buyer's orders",
  auth: 'required',
  responses: { 200: { description: 'Newest first.', body: z.object({ orders: z.array(orderJson) }) } },
  errors: {},
});

const showOrder = defineOperation({
  operationId: 'showOrder',
  method: 'get',
  path: '/api/orders/{id}',
  summary: 'One of the signed-in buyer’s orders',
  auth: 'required',
  params: orderIdParams,
  responses: { 200: { description: 'The order.', body: orderJson } },
  errors: { 401: ['ORDER_NOT_OWNED'], 404: ['ORDER_NOT_FOUND'] },
});

const cancelOrder = defineOperation({
  operationId: 'cancelOrder',
  method: 'delete',
  path: '/api/orders/{id}',
  summary: 'Cancel a reservation',
  description: 'The ticket goes back on sale. Cancelling a cancelled order changes nothing.',
  auth: 'required',
  params: orderIdParams,
  responses: { 204: { description: 'Cancelled.' } },
  errors: { 400: ['ORDER_COMPLETED'], 401: ['ORDER_NOT_OWNED'], 404: ['ORDER_NOT_FOUND'] },
});

/** The orders service's operations, by name. */
export const ordersOperations = { createOrder, listOrders, showOrder, cancelOrder };

export const ordersApi: ServiceApi = {
  service: 'orders',
  title: 'Ticketing orders API',
  description: 'Buyers reserve a ticket for a limited window, list and read their orders, and cancel a reservation.',
  prefix: '/api/orders',
  operations: Object.values(ordersOperations),
};
