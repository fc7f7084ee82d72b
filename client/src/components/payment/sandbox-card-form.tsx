'use client';

import { type FormEvent, type RefObject, useRef, useState } from 'react';
import { type ErrorState, NO_ERRORS } from '@/lib/api-errors';
import {
  cardNumberError,
  cvcError,
  digitsOf,
  expiryError,
  formatCardNumber,
  formatExpiry,
  isAmex,
} from '@/lib/card-input';
import { formatPrice } from '@/lib/format';
import { TEST_CARDS, tokenForCardNumber } from '@/lib/test-cards';
import { FormAlert } from '../form-errors';
import { TextField } from '../text-field';
import { paymentErrorState, payOrder } from './pay';

interface SandboxCardFormProps {
  orderId: string;
  price: number;
  currency: string;
  onPaid: (paymentId: string) => void;
}

type CardField = 'cardNumber' | 'expiry' | 'cvc';

/** A valid expiry for a chosen test card: December, three years on. */
function testExpiry(now: Date = new Date()): string {
  return `12/${String((now.getFullYear() + 3) % 100).padStart(2, '0')}`;
}

/**
 * The payment form when no Stripe publishable key is configured: the payments service runs its
 * sandbox gateway, which takes Stripe's test tokens. The form checks the number, expiry and
 * security code as a real checkout does, then maps a test card number to its token; the expiry
 * and the code never leave the browser (the sandbox has no use for them), and nothing is charged.
 */
export function SandboxCardForm({ orderId, price, currency, onPaid }: SandboxCardFormProps) {
  const [cardNumber, setCardNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [cvc, setCvc] = useState('');
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);
  const inputs: Record<CardField, RefObject<HTMLInputElement | null>> = {
    cardNumber: useRef<HTMLInputElement>(null),
    expiry: useRef<HTMLInputElement>(null),
    cvc: useRef<HTMLInputElement>(null),
  };

  function clearError(field: CardField) {
    if (errors.fields[field]) setErrors({ ...errors, fields: { ...errors.fields, [field]: undefined } });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields: Record<CardField, string | undefined> = {
      cardNumber: cardNumberError(cardNumber),
      expiry: expiryError(expiry),
      cvc: cvcError(cvc, cardNumber),
    };
    const token = fields.cardNumber ? undefined : tokenForCardNumber(cardNumber);
    if (!fields.cardNumber && !token) {
      fields.cardNumber = 'This is the sandbox: real cards are not charged. Use one of the sandbox test cards below';
    }
    const invalid = (Object.keys(fields) as CardField[]).find((field) => fields[field]);
    if (invalid || !token) {
      setErrors({ fields, form: [] });
      if (invalid) inputs[invalid].current?.focus();
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      const paymentId = await payOrder(orderId, token);
      onPaid(paymentId);
    } catch (error) {
      setErrors(paymentErrorState(error, 'cardNumber'));
      setPending(false);
    }
  }

  function chooseCard(number: string) {
    setCardNumber(number);
    if (expiryError(expiry)) setExpiry(testExpiry());
    if (cvcError(cvc, number)) setCvc(isAmex(number) ? '1234' : '123');
    setErrors(NO_ERRORS);
    inputs.cardNumber.current?.focus();
  }

  return (
    <div className="payment">
      <p className="checkout-sandbox">
        <strong>Sandbox checkout — no real money moves.</strong> Payments here are simulated: pay with one of the
        sandbox test cards below; no real card is charged.
      </p>
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} aria-label="Payment">
        <TextField
          ref={inputs.cardNumber}
          id="card-number"
          name="cardNumber"
          label="Card number"
          inputMode="numeric"
          autoComplete="cc-number"
          spellCheck={false}
          maxLength={23}
          value={cardNumber}
          onChange={(event) => {
            setCardNumber(formatCardNumber(event.target.value));
            clearError('cardNumber');
          }}
          error={errors.fields.cardNumber}
          disabled={pending}
          required
        />
        <div className="card-fields__row">
          <TextField
            ref={inputs.expiry}
            id="card-expiry"
            name="expiry"
            label="Expiry date (MM/YY)"
            inputMode="numeric"
            autoComplete="cc-exp"
            spellCheck={false}
            maxLength={5}
            value={expiry}
            onChange={(event) => {
              setExpiry(formatExpiry(event.target.value, expiry));
              clearError('expiry');
            }}
            error={errors.fields.expiry}
            disabled={pending}
            required
          />
          <TextField
            ref={inputs.cvc}
            id="card-cvc"
            name="cvc"
            label="Security code (CVC)"
            hint={isAmex(cardNumber) ? '4 digits on the front of the card' : '3 digits on the back of the card'}
            inputMode="numeric"
            autoComplete="cc-csc"
            spellCheck={false}
            maxLength={4}
            value={cvc}
            onChange={(event) => {
              setCvc(digitsOf(event.target.value, 4));
              clearError('cvc');
            }}
            error={errors.fields.cvc}
            disabled={pending}
            required
          />
        </div>
        <FormAlert messages={errors.form} />
        <div className="form__actions">
          <button type="submit" className="button button--large" disabled={pending}>
            {pending ? 'Paying…' : `Pay ${formatPrice(price, currency)}`}
          </button>
        </div>
      </form>
      <details className="test-cards">
        <summary>Sandbox test cards</summary>
        <p className="muted">Choose a card to fill the form. Any future expiry date and any security code work.</p>
        <table>
          <caption className="visually-hidden">Sandbox test cards</caption>
          <thead>
            <tr>
              <th scope="col">Card number</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {TEST_CARDS.map((card) => (
              <tr key={card.token}>
                <td>
                  <button
                    type="button"
                    className="link-button test-cards__number"
                    onClick={() => chooseCard(card.number)}
                    aria-label={`Use ${card.brand} test card ${card.number}`}
                    disabled={pending}
                  >
                    {card.number}
                  </button>
                </td>
                <td>{card.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
