'use client';

import { CardElement, Elements, useElements, useStripe } from '@stripe/react-stripe-js';
import type { Stripe } from '@stripe/stripe-js';
// The pure entry point loads Stripe.js only when loadStripe is called, not on import.
import { loadStripe } from '@stripe/stripe-js/pure';
import { type FormEvent, useEffect, useState } from 'react';
import { type ErrorState, NO_ERRORS } from '@/lib/api-errors';
import { formatPrice } from '@/lib/format';
import { FieldError, FormAlert } from '../form-errors';
import { paymentErrorState, payOrder } from './pay';

interface StripeCardFormProps {
  publishableKey: string;
  orderId: string;
  price: number;
  currency: string;
  onPaid: (paymentId: string) => void;
}

function CardForm({ orderId, price, currency, onPaid }: Omit<StripeCardFormProps, 'publishableKey'>) {
  const stripe = useStripe();
  const elements = useElements();
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);
  const [complete, setComplete] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const card = elements?.getElement(CardElement);
    if (!stripe || !card) return;
    setPending(true);
    setErrors(NO_ERRORS);
    const { token, error } = await stripe.createToken(card);
    if (error || !token) {
      setErrors({ fields: { card: error?.message ?? 'Your card could not be read' }, form: [] });
      setPending(false);
      return;
    }
    try {
      onPaid(await payOrder(orderId, token.id));
    } catch (failure) {
      setErrors(paymentErrorState(failure, 'card'));
      setPending(false);
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} aria-label="Payment">
      <fieldset className="field" aria-describedby="card-error">
        <legend className="field__legend">Card details</legend>
        <div className="input input--stripe">
          <CardElement
            options={{ hidePostalCode: true, disabled: pending }}
            onChange={(event) => {
              setComplete(event.complete);
              setErrors({ fields: { card: event.error?.message }, form: [] });
            }}
          />
        </div>
        <FieldError id="card-error" message={errors.fields.card} />
      </fieldset>
      <FormAlert messages={errors.form} />
      <div className="form__actions">
        <button type="submit" className="button button--large" disabled={!stripe || !complete || pending}>
          {pending ? 'Paying…' : `Pay ${formatPrice(price, currency)}`}
        </button>
      </div>
    </form>
  );
}

/** Stripe Elements: only rendered (and Stripe.js only fetched) when a publishable key is configured. */
export default function StripeCardForm({ publishableKey, ...props }: StripeCardFormProps) {
  const [stripe, setStripe] = useState<Promise<Stripe | null> | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  useEffect(() => {
    setLoadFailed(false);
    setStripe(
      loadStripe(publishableKey).catch(() => {
        setLoadFailed(true);
        return null;
      }),
    );
  }, [publishableKey]);
  if (loadFailed) {
    return (
      <FormAlert
        messages={['The card form could not be loaded from Stripe. Check your connection and reload the page.']}
      />
    );
  }
  return (
    <Elements stripe={stripe}>
      <CardForm {...props} />
    </Elements>
  );
}
