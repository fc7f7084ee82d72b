import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PaymentForm } from '@/components/payment/payment-form';
import { api } from '@/lib/api-client';
import { apiError, networkError, ok } from './helpers';

const ORDER_ID = '6f1c1c3e-5d6b-4f67-9a0e-6a1f7f0b2c11';

function renderForm() {
  const onPaid = jest.fn();
  render(<PaymentForm orderId={ORDER_ID} price={20.5} currency="usd" publishableKey={null} onPaid={onPaid} />);
  const input = screen.getByLabelText('Card number') as HTMLInputElement;
  const pay = screen.getByRole('button', { name: 'Pay $20.50' });
  const submit = (number: string) => {
    fireEvent.change(input, { target: { value: number } });
    fireEvent.click(pay);
  };
  return { onPaid, input, submit };
}

/** The message shown under the card number input (its aria-describedby error element). */
function cardError(input: HTMLInputElement): string {
  const errorId = input
    .getAttribute('aria-describedby')
    ?.split(' ')
    .find((id) => id.endsWith('-error'));
  return document.getElementById(errorId ?? '')?.textContent ?? '';
}

describe('PaymentForm without a publishable key (sandbox)', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    post = jest.spyOn(api, 'post');
  });
  afterEach(() => {
    post.mockRestore();
  });

  it('shows the test card numbers in a table', () => {
    renderForm();
    const table = screen.getByRole('table', { name: 'Test card numbers' });
    expect(table.textContent).toContain('4242 4242 4242 4242');
    expect(table.textContent).toContain('4000 0000 0000 0119');
    expect(screen.getAllByRole('row')).toHaveLength(9);
  });

  it('when a test card number is entered, then it pays with its token and calls back with the payment id', async () => {
    post.mockResolvedValue(ok({ id: 'pay_1' }, 201));
    const { onPaid, submit } = renderForm();
    submit('4242 4242 4242 4242');
    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('pay_1'));
    expect(post).toHaveBeenCalledWith('/api/payments', { orderId: ORDER_ID, token: 'tok_visa' });
  });

  it('when a card in the table is chosen, then its number fills the input', () => {
    const { input } = renderForm();
    fireEvent.click(screen.getByRole('button', { name: /Use American Express test card/ }));
    expect(input.value).toBe('3782 822463 10005');
  });

  it('when the number is unknown, then it says so under the input and does not call the API', () => {
    const { input, submit } = renderForm();
    submit('1234 5678 9012 3456');
    expect(cardError(input)).toBe('Use one of the test card numbers listed below');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(post).not.toHaveBeenCalled();
  });

  it('when the number is missing, then it asks for one without calling the API', () => {
    const { input, submit } = renderForm();
    submit('   ');
    expect(cardError(input)).toBe('Enter a card number');
    expect(post).not.toHaveBeenCalled();
  });

  it('when the card is declined, then the decline message appears next to the card field', async () => {
    post.mockRejectedValue(apiError(402, [{ message: 'Your card has insufficient funds.', code: 'CARD_DECLINED' }]));
    const { input, onPaid, submit } = renderForm();
    submit('4000 0000 0000 9995');
    await waitFor(() => expect(cardError(input)).toBe('Your card has insufficient funds.'));
    expect(post).toHaveBeenCalledWith('/api/payments', {
      orderId: ORDER_ID,
      token: 'tok_chargeDeclinedInsufficientFunds',
    });
    expect(screen.getByRole('alert').textContent).toBe('');
    expect(onPaid).not.toHaveBeenCalled();
    // The buyer can try another card.
    expect((screen.getByRole('button', { name: 'Pay $20.50' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('when the order can no longer be paid, then the reason shows in the form alert', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Order has expired', code: 'ORDER_EXPIRED' }]));
    const { input, submit } = renderForm();
    submit('4242424242424242');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Order has expired'));
    expect(cardError(input)).toBe('');
  });

  it('when the gateway does not know the card’s token (400 PAYMENT_REJECTED), then it is about the card and shows next to it', async () => {
    post.mockRejectedValue(
      apiError(400, [{ message: "No such token: 'tok_visa'", code: 'PAYMENT_REJECTED', field: 'token' }]),
    );
    const { input, submit } = renderForm();
    submit('4242424242424242');
    await waitFor(() => expect(cardError(input)).toBe("No such token: 'tok_visa'"));
    expect(screen.getByRole('alert').textContent).toBe('');
  });

  it('when the card needs authentication (402 CARD_AUTHENTICATION_REQUIRED), then that shows next to the card', async () => {
    post.mockRejectedValue(
      apiError(402, [{ message: 'Your card requires authentication.', code: 'CARD_AUTHENTICATION_REQUIRED' }]),
    );
    const { input, submit } = renderForm();
    submit('4242424242424242');
    await waitFor(() => expect(cardError(input)).toBe('Your card requires authentication.'));
  });

  it('when the server cannot be reached, then it says so', async () => {
    post.mockRejectedValue(networkError());
    const { submit } = renderForm();
    submit('4242424242424242');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/could not reach the server/));
  });
});
