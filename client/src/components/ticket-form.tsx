'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/api-client';
import { type ErrorState, NO_ERRORS, toErrorState } from '@/lib/api-errors';
import {
  MAX_SEAT_PART_LENGTH,
  MAX_TITLE_LENGTH,
  parsePrice,
  validateEventListing,
  validateTicketInput,
} from '@/lib/ticket-input';
import type { Ticket } from '@/lib/types';
import { FormAlert } from './form-errors';
import { rememberSaved } from './saved-notice';
import { SellerReceives } from './seller-receives';
import { TextField } from './text-field';

const FIELDS = ['title', 'price', 'faceValue', 'section', 'row', 'seat'] as const;

interface TicketFormProps {
  /** Editing this ticket; creating a new one when absent. */
  ticket?: Pick<Ticket, 'id' | 'title' | 'price'>;
  /** Why the ticket cannot be edited now (reserved or sold): the form is shown, disabled, with it. */
  disabledReason?: string;
  /** Listing a ticket for this catalog event: the form also asks for its face value and seat. */
  event?: { id: string; name: string };
  /** SELLER_FEE_PERCENT (read on the server): the form says what the seller will receive. */
  sellerFeePercent: number;
}

/** Sell a ticket, or edit one of your own. On success, goes to the ticket's page, which confirms it. */
export function TicketForm({ ticket, disabledReason, event: forEvent, sellerFeePercent }: TicketFormProps) {
  const router = useRouter();
  const [title, setTitle] = useState(ticket?.title ?? '');
  const [price, setPrice] = useState(ticket ? ticket.price.toFixed(2) : '');
  const [listing, setListing] = useState({ faceValue: '', section: '', row: '', seat: '' });
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);
  const disabled = Boolean(disabledReason);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (disabled) return;
    const fields = { ...validateTicketInput({ title, price }), ...(forEvent ? validateEventListing(listing) : {}) };
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: [] });
      const first = FIELDS.find((name) => fields[name]);
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    const seat = { section: listing.section.trim(), row: listing.row.trim(), seat: listing.seat.trim() };
    const body = forEvent
      ? {
          title: title.trim(),
          price: parsePrice(price),
          eventId: forEvent.id,
          ...(listing.faceValue.trim() ? { faceValue: parsePrice(listing.faceValue) } : {}),
          ...(seat.section ? { seat } : {}),
        }
      : { title: title.trim(), price: parsePrice(price) };
    try {
      const response = ticket
        ? await api.put<Ticket>(`/api/tickets/${ticket.id}`, body)
        : await api.post<Ticket>('/api/tickets', body);
      rememberSaved(response.data.id, ticket ? 'edited' : 'listed');
      router.push(`/tickets/${response.data.id}`);
      router.refresh();
    } catch (error) {
      setErrors(toErrorState(error, FIELDS));
      setPending(false);
    }
  }

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-busy={pending}>
      {disabledReason ? (
        <p className="notice notice--info" id="ticket-form-disabled">
          {disabledReason}
        </p>
      ) : null}
      <fieldset disabled={disabled || pending} aria-describedby={disabledReason ? 'ticket-form-disabled' : undefined}>
        <TextField
          id="title"
          name="title"
          label="Title"
          hint={
            <>
              What and when, e.g. “Concert — 12 June, row F” ·{' '}
              <span className="field-counter">
                {[...title].length}/{MAX_TITLE_LENGTH}
              </span>
            </>
          }
          autoComplete="off"
          maxLength={MAX_TITLE_LENGTH}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          error={errors.fields.title}
          required
        />
        <TextField
          id="price"
          name="price"
          label="Price (USD)"
          hint="Up to 1,000,000, at most 2 decimals"
          inputMode="decimal"
          autoComplete="off"
          className="input--price"
          value={price}
          onChange={(event) => setPrice(event.target.value)}
          error={errors.fields.price}
          required
        />
        {/* The label says USD: the form's prices are in the platform's currency. */}
        <SellerReceives price={price} currency="usd" sellerFeePercent={sellerFeePercent} />
        {forEvent ? (
          <fieldset className="form__group">
            <legend>For {forEvent.name}</legend>
            <TextField
              id="faceValue"
              name="faceValue"
              label="Face value (USD, optional)"
              hint="What the ticket cost at the box office, as printed on it"
              inputMode="decimal"
              autoComplete="off"
              className="input--price"
              value={listing.faceValue}
              onChange={(change) => setListing({ ...listing, faceValue: change.target.value })}
              error={errors.fields.faceValue}
            />
            <div className="form__seat">
              {(['section', 'row', 'seat'] as const).map((part) => (
                <TextField
                  key={part}
                  id={part}
                  name={part}
                  label={part[0]!.toUpperCase() + part.slice(1)}
                  autoComplete="off"
                  maxLength={MAX_SEAT_PART_LENGTH}
                  value={listing[part]}
                  onChange={(change) => setListing({ ...listing, [part]: change.target.value })}
                  error={errors.fields[part]}
                />
              ))}
            </div>
          </fieldset>
        ) : null}
        <FormAlert messages={errors.form} />
        <div className="form__actions">
          <button type="submit" className="button">
            {pending ? 'Saving…' : ticket ? 'Save changes' : 'List ticket'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
