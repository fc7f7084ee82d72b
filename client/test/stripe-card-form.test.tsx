import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import StripeCardForm, { stripeElementsOptions } from '@/components/payment/stripe-card-form';
import { api } from '@/lib/api-client';
import { apiError, ok } from './helpers';

// Stripe.js comes from js.stripe.com, which tests never reach: the bindings are replaced by
// stand-ins that record what the form asks of them.
const mockStripe = { createPaymentMethod: jest.fn() };
const mockElements = { submit: jest.fn() };
const mockElementsProps: { options?: unknown }[] = [];
const mockPaymentElementProps: { options?: unknown }[] = [];
jest.mock('@stripe/stripe-js/pure', () => ({ loadStripe: jest.fn(() => Promise.resolve(mockStripe)) }));
jest.mock('@stripe/react-stripe-js', () => ({
  Elements: (props: { options?: unknown; children: ReactNode }) => {
    mockElementsProps.push(props);
    return props.children;
  },
  PaymentElement: (props: { options?: unknown }) => {
    mockPaymentElementProps.push(props);
    return <div data-testid="payment-element" />;
  },
  CardElement: () => {
    throw new Error('the Card Element is not used');
  },
  useStripe: () => mockStripe,
  useElements: () => mockElements,
}));

const ORDER_ID = '6f1c1c3e-5d6b-4f67-9a0e-6a1f7f0b2c11';

function renderForm() {
  const onPaid = jest.fn();
  render(
    <StripeCardForm publishableKey="pk_test_123" orderId={ORDER_ID} price={20.5} currency="usd" onPaid={onPaid} />,
  );
  return { onPaid, pay: screen.getByRole('button', { name: 'Pay $20.50' }) };
}

describe('StripeCardForm (a Stripe publishable key is configured)', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    post = jest.spyOn(api, 'post');
    mockStripe.createPaymentMethod.mockReset();
    mockElements.submit.mockReset();
    mockElementsProps.length = 0;
    mockPaymentElementProps.length = 0;
  });
  afterEach(() => post.mockRestore());

  it('renders Stripe’s Payment Element for a card payment of the order’s amount, PaymentMethods created by the page', () => {
    renderForm();
    expect(screen.getByTestId('payment-element')).toBeTruthy();
    expect(mockElementsProps.at(-1)?.options).toEqual({
      mode: 'payment',
      amount: 2050,
      currency: 'usd',
      paymentMethodCreation: 'manual',
      allowedPaymentMethodTypes: ['card'],
    });
  });

  it('gives Stripe the amount in the currency’s minor units', () => {
    expect(stripeElementsOptions(5000, 'jpy')).toMatchObject({ amount: 5000, currency: 'jpy' });
    expect(stripeElementsOptions(19.99, 'eur')).toMatchObject({ amount: 1999, currency: 'eur' });
  });

  it('when the card is complete, then it submits the Element, creates a PaymentMethod and pays with its id', async () => {
    mockElements.submit.mockResolvedValue({});
    mockStripe.createPaymentMethod.mockResolvedValue({ paymentMethod: { id: 'pm_1Qabc' } });
    post.mockResolvedValue(ok({ id: 'pay_1' }, 201));
    const { onPaid, pay } = renderForm();
    fireEvent.click(pay);
    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('pay_1'));
    expect(mockStripe.createPaymentMethod).toHaveBeenCalledWith({ elements: mockElements });
    expect(post).toHaveBeenCalledWith('/api/payments', { orderId: ORDER_ID, token: 'pm_1Qabc' });
  });

  it('when the Payment Element finds the card incomplete, then nothing is created or charged and the reason shows', async () => {
    mockElements.submit.mockResolvedValue({ error: { message: 'Your card number is incomplete.' } });
    const { onPaid, pay } = renderForm();
    fireEvent.click(pay);
    await waitFor(() =>
      expect(document.getElementById('card-error')?.textContent).toBe('Your card number is incomplete.'),
    );
    expect(mockStripe.createPaymentMethod).not.toHaveBeenCalled();
    expect(post).not.toHaveBeenCalled();
    expect(onPaid).not.toHaveBeenCalled();
  });

  it('when the card is declined, then the decline shows under the card and the buyer may try again', async () => {
    mockElements.submit.mockResolvedValue({});
    mockStripe.createPaymentMethod.mockResolvedValue({ paymentMethod: { id: 'pm_declined' } });
    post.mockRejectedValue(apiError(402, [{ message: 'Your card was declined.', code: 'CARD_DECLINED' }]));
    const { pay } = renderForm();
    fireEvent.click(pay);
    await waitFor(() => expect(document.getElementById('card-error')?.textContent).toBe('Your card was declined.'));
    expect((screen.getByRole('button', { name: 'Pay $20.50' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
