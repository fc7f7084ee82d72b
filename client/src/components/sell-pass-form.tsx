'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/api-client';
import { type ErrorState, NO_ERRORS, toErrorState } from '@/lib/api-errors';
import { capText, type ResaleCap, validateResalePrice } from '@/lib/resale';
import { MAX_TITLE_LENGTH, parsePrice } from '@/lib/ticket-input';
import type { Ticket } from '@/lib/types';
import { FormAlert } from './form-errors';
import { SellerReceives } from './seller-receives';
import { TextField } from './text-field';

const FIELDS = ['price', 'title'] as const;

interface SellPassFormProps {
  passId: string;
  cap: ResaleCap;
  /** The resold ticket's title: the listing's title unless the seller gives another. */
  title: string;
  /** SELLER_FEE_PERCENT (read on the server): the form says what the seller will receive. */
  sellerFeePercent: number;
}

/**
 * Puts a pass on sale (`POST /api/tickets { resaleOfPassId, price, title? }`) at a price within the
 * cap, which the field states before anything is sent. The listing starts `pending` until passes
 * has locked the pass: its page, where this form goes, says so and follows it.
 */
export function SellPassForm({ passId, cap, title: originalTitle, sellerFeePercent }: SellPassFormProps) {
  const router = useRouter();
  const [price, setPrice] = useState('');
  const [title, setTitle] = useState(originalTitle);
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields: ErrorState['fields'] = {};
    const priceProblem = validateResalePrice(price, cap);
    if (priceProblem) fields.price = priceProblem;
    if ([...title.trim()].length > MAX_TITLE_LENGTH)
      fields.title = `Title must be at most ${MAX_TITLE_LENGTH} characters`;
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: [] });
      const first = FIELDS.find((name) => fields[name]);
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    const newTitle = title.trim();
    const body = {
      resaleOfPassId: passId,
      price: parsePrice(price),
      // An empty or unchanged title keeps the resold ticket's own.
      ...(newTitle && newTitle !== originalTitle ? { title: newTitle } : {}),
    };
    try {
      const { data } = await api.post<Ticket>('/api/tickets', body);
      router.push(`/tickets/${data.id}`);
    } catch (error) {
      // RESALE_PRICE_CAP names `price`; NOT_PASS_HOLDER and PASS_NOT_FOUND name the pass, which is
      // not a field here: their messages go in the form's alert, under the price.
      setErrors(toErrorState(error, FIELDS));
      setPending(false);
    }
  }

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-busy={pending}>
      <fieldset disabled={pending}>
        <TextField
          id="price"
          name="price"
          label={`Price (${cap.currency.toUpperCase()})`}
          hint={capText(cap)}
          inputMode="decimal"
          autoComplete="off"
          className="input--price"
          value={price}
          onChange={(change) => setPrice(change.target.value)}
          error={errors.fields.price}
          required
        />
        <SellerReceives price={price} currency={cap.currency} sellerFeePercent={sellerFeePercent} />
        <TextField
          id="title"
          name="title"
          label="Title"
          hint={
            <>
              Buyers see this title; empty keeps the ticket’s own ·{' '}
              <span className="field-counter">
                {[...title].length}/{MAX_TITLE_LENGTH}
              </span>
            </>
          }
          autoComplete="off"
          maxLength={MAX_TITLE_LENGTH}
          value={title}
          onChange={(change) => setTitle(change.target.value)}
          error={errors.fields.title}
        />
        <FormAlert messages={errors.form} />
        <div className="form__actions">
          <button type="submit" className="button">
            {pending ? 'Listing…' : 'List for resale'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
