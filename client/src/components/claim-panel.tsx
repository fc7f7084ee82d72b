'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/api-client';
import { toErrorState } from '@/lib/api-errors';
import type { Claim } from '@/lib/types';
import { FieldError, FormAlert } from './form-errors';

/** The longest message payments accepts (common's CLAIM_MESSAGE_MAX). */
const MESSAGE_MAX = 1000;

const STATUS_TEXT: Record<Claim['status'], string> = {
  open: 'Your report is being reviewed. The seller is not paid until it is decided.',
  declined: 'Your report was declined.',
  refunded: 'Your report was accepted: you are refunded in full.',
  released: 'Your report was reviewed and the seller was paid.',
};

const BADGE: Record<Claim['status'], string> = {
  open: 'badge--pending',
  declined: 'badge--rejected',
  refunded: 'badge--available',
  released: 'badge--sold',
};

interface ClaimPanelProps {
  orderId: string;
  /** The buyer's claim on this order, if they made one. */
  claim: Claim | null;
  /** Whether a claim can still be opened (the seller has not been paid or the order refunded). */
  windowOpen: boolean;
}

/**
 * On a completed order: "Report a problem with this ticket" (a message for the operators) while
 * the seller is not paid yet, and the claim's status once it is made.
 */
export function ClaimPanel({ orderId, claim, windowOpen }: ClaimPanelProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [pending, setPending] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [errors, setErrors] = useState<string[]>([]);
  const [made, setMade] = useState<Claim | null>(null);
  const shown = made ?? claim;

  if (shown) {
    return (
      <section className="claim-panel" aria-labelledby="claim-heading">
        <h2 id="claim-heading">Problem report</h2>
        <p>
          <span className={`badge ${BADGE[shown.status]}`} data-claim-status={shown.status}>
            {shown.status === 'open' ? 'Under review' : shown.status[0]!.toUpperCase() + shown.status.slice(1)}
          </span>{' '}
          {STATUS_TEXT[shown.status]}
        </p>
        {shown.reason ? <p className="claim-panel__reason">{shown.reason}</p> : null}
      </section>
    );
  }
  if (!windowOpen) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setErrors([]);
    setFieldError(undefined);
    try {
      const { data } = await api.post<Claim>('/api/payments/claims', { orderId, message });
      setMade(data);
      router.refresh();
    } catch (error) {
      const state = toErrorState(error, ['message']);
      setFieldError(state.fields.message);
      setErrors(state.form);
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="claim-panel" aria-labelledby="claim-heading">
      <h2 id="claim-heading" className="visually-hidden">
        Problem report
      </h2>
      {open ? (
        <form onSubmit={submit} noValidate>
          <label htmlFor="claim-message">What went wrong with this ticket?</label>
          <textarea
            id="claim-message"
            name="message"
            rows={4}
            maxLength={MESSAGE_MAX}
            required
            value={message}
            onChange={(event) => setMessage(event.target.value)}
            aria-describedby="claim-message-hint claim-message-error"
            aria-invalid={fieldError ? true : undefined}
          />
          <p id="claim-message-hint" className="field-hint">
            Up to {MESSAGE_MAX} characters. The seller is not paid while we review it; if your pass was scanned at the
            door, the report is declined.
          </p>
          <FieldError id="claim-message-error" message={fieldError} />
          <FormAlert messages={errors} />
          <button type="submit" className="button" disabled={pending || message.trim() === ''} aria-busy={pending}>
            {pending ? 'Sending…' : 'Send report'}
          </button>{' '}
          <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setOpen(true)}>
          Report a problem with this ticket
        </button>
      )}
    </section>
  );
}
