'use client';

import { type FormEvent, useRef, useState } from 'react';
import { type ErrorState, NO_ERRORS } from '@/lib/api-errors';
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

/**
 * The payment form when no Stripe publishable key is configured: the payments service runs its
 * sandbox gateway, which takes Stripe's test tokens, so a test card number is mapped to its token
 * here and nothing leaves the machine.
 */
export function SandboxCardForm({ orderId, price, currency, onPaid }: SandboxCardFormProps) {
  const [cardNumber, setCardNumber] = useState('');
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (cardNumber.trim() === '') {
      setErrors({ fields: { cardNumber: 'Enter a card number' }, form: [] });
      input.current?.focus();
      return;
    }
    const token = tokenForCardNumber(cardNumber);
    if (!token) {
      setErrors({ fields: { cardNumber: 'Use one of the test card numbers listed below' }, form: [] });
      input.current?.focus();
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
    setErrors(NO_ERRORS);
    input.current?.focus();
  }

  return (
    <div className="payment">
      <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending} aria-label="Payment">
        <TextField
          ref={input}
          id="card-number"
          name="cardNumber"
          label="Card number"
          hint="Sandbox: no real card is charged. Use a test number from the table."
          inputMode="numeric"
          autoComplete="cc-number"
          placeholder="4242 4242 4242 4242"
          spellCheck={false}
          value={cardNumber}
          onChange={(event) => setCardNumber(event.target.value)}
          error={errors.fields.cardNumber}
          disabled={pending}
          required
        />
        <FormAlert messages={errors.form} />
        <div className="form__actions">
          <button type="submit" className="button button--large" disabled={pending}>
            {pending ? 'Paying…' : `Pay ${formatPrice(price, currency)}`}
          </button>
        </div>
      </form>
      <table className="test-cards">
        <caption>Test card numbers</caption>
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
    </div>
  );
}
