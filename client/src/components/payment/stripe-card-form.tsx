'use client';

import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { Stripe, StripeElementsOptions } from '@stripe/stripe-js';
// The pure entry point loads Stripe.js only when loadStripe is called, not on import.
import { loadStripe } from '@stripe/stripe-js/pure';
import { type FormEvent, useEffect, useState } from 'react';
import { type ErrorState, NO_ERRORS } from '@/lib/api-errors';
import { formatPrice, toMinorUnits } from '@/lib/format';
import { FieldError, FormAlert } from '../form-errors';
import { paymentErrorState, payOrder } from './pay';

interface StripeCardFormProps {
  publishableKey: string;
  orderId: string;
  price: number;
  currency: string;
  onPaid: (paymentId: string) => void;
}

/**
 * Stripe's deferred-intent flow that finalizes on the server
 * (https://docs.stripe.com/payments/finalize-payments-on-the-server): the Payment Element
 * collects the card, `elements.submit()` validates it, `createPaymentMethod` turns it into a
 * PaymentMethod, and payments creates and confirms the PaymentIntent with its id (`pm_…`). Card
 * only, the order's amount in minor units, as payments charges it.
 */
export function stripeElementsOptions(price: number, currency: string): StripeElementsOptions {
  return {
    mode: 'payment',
    amount: toMinorUnits(price, currency),
    currency,
    paymentMethodCreation: 'manual',
    allowedPaymentMethodTypes: ['card'],
  };
}

function CardForm({ orderId, price, currency, onPaid }: Omit<StripeCardFormProps, 'publishableKey'>) {
  const stripe = useStripe();
  const elements = useElements();
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!stripe || !elements) return;
    setPending(true);
    setErrors(NO_ERRORS);
    // Validates the Payment Element's fields, which show their own messages.
    const submitted = await elements.submit();
    if (submitted.error) {
      setErrors({ fields: { card: submitted.error.message }, form: [] });
      setPending(false);
      return;
    }
    const { paymentMethod, error } = await stripe.createPaymentMethod({ elements });
    if (error || !paymentMethod) {
      setErrors({ fields: { card: error?.message ?? 'Your card could not be read' }, form: [] });
      setPending(false);
      return;
    }
    try {
      onPaid(await payOrder(orderId, paymentMethod.id));
    } catch (failure) {
      setErrors(paymentErrorState(failure, 'card'));
      setPending(false);
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} aria-label="Payment">
      <fieldset className="field" aria-describedby="card-error">
        <legend className="field__legend">Card details</legend>
        <PaymentElement options={{ layout: 'tabs', readOnly: pending }} />
        <FieldError id="card-error" message={errors.fields.card} />
      </fieldset>
      <FormAlert messages={errors.form} />
      <div className="form__actions">
        <button type="submit" className="button button--large" disabled={!stripe || !elements || pending}>
          {pending ? 'Paying…' : `Pay ${formatPrice(price, currency)}`}
        </button>
      </div>
    </form>
  );
}

/** Stripe's Payment Element: only rendered (and Stripe.js only fetched) when a publishable key is configured. */
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
    <Elements stripe={stripe} options={stripeElementsOptions(props.price, props.currency)}>
      <CardForm {...props} />
    </Elements>
  );
}
