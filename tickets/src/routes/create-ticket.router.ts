import {
  expressPath,
  inputOf,
  requestId,
  requireAuth,
  resaleInput,
  ticketInput,
  ticketsOperations,
  toMinorUnits,
  validate,
} from '@ticketing/common';
import { type RequestHandler, Router } from 'express';
import { createResaleListing } from '../domain/resale';
import { listingDetailsOf } from '../domain/ticket';
import type { TicketStore } from '../domain/ticket-store';
import { createTicket } from '../domain/tickets';

/** A body that names `resaleOfPassId` is a resale listing, validated as one (so its messages speak of it). */
const isResale = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'resaleOfPassId' in body;

export function createTicketRouter(store: TicketStore): Router {
  // The price rules of the currency this service sells in (its decimals).
  const ordinary = { ...ticketsOperations.createTicket, body: ticketInput(store.currency) };
  const resale = { ...ticketsOperations.createTicket, body: resaleInput(store.currency) };
  const validateOrdinary = validate(ordinary);
  const validateResale = validate(resale);
  const validateListing: RequestHandler = (req, res, next) =>
    (isResale(req.body) ? validateResale : validateOrdinary)(req, res, next);

  return Router().post(expressPath(ordinary), requireAuth, validateListing, async (req, res) => {
    if (isResale(req.body)) {
      const { resaleOfPassId, price, title } = inputOf(req, resale).body;
      const input = { resaleOfPassId, title, priceCents: toMinorUnits(price, store.currency) };
      res.status(201).json(await createResaleListing(store, req.currentUser!.id, input, requestId(req)));
      return;
    }
    const { title, price, ...details } = inputOf(req, ordinary).body;
    const input = {
      title,
      priceCents: toMinorUnits(price, store.currency),
      details: listingDetailsOf(details, store.currency),
    };
    const ticket = await createTicket(store, req.currentUser!.id, input, requestId(req));
    res.status(201).json(ticket);
  });
}
