import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PaymentForm } from '@/components/payment/payment-form';
import { api } from '@/lib/api-client';
import { apiError, networkError, ok } from './helpers';

const ORDER_ID = '6f1c1c3e-5d6b-4f67-9a0e-6a1f7f0b2c11';

function renderForm() {
  const onPaid = jest.fn();
  render(<PaymentForm orderId={ORDER_ID} price={20.5} currency="usd" publishableKey={null} onPaid={onPaid} />);
  const input = screen.getByLabelText('Card number') as HTMLInputElement;
  const expiry = screen.getByLabelText('Expiry date (MM/YY)') as HTMLInputElement;
  const cvc = screen.getByLabelText('Security code (CVC)') as HTMLInputElement;
  const pay = screen.getByRole('button', { name: 'Pay $20.50' });
  /** Fills the card (a valid future expiry and a 3-digit code unless given) and presses Pay. */
  const submit = (number: string, card: { expiry?: string; cvc?: string } = {}) => {
    fireEvent.change(input, { target: { value: number } });
    fireEvent.change(expiry, { target: { value: card.expiry ?? VALID_EXPIRY } });
    fireEvent.change(cvc, { target: { value: card.cvc ?? '123' } });
    fireEvent.click(pay);
  };
  return { onPaid, input, expiry, cvc, submit };
}

/** December, two years on: never in the past. */
const VALID_EXPIRY = `12/${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`;

/** The message shown under an input (its aria-describedby error element). */
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

  it('shows a sandbox notice and the test cards collapsed under "Sandbox test cards", not a table for every buyer', () => {
    renderForm();
    expect(screen.getByText(/no real money moves/).textContent).toContain('Sandbox checkout');
    const details = screen.getByText('Sandbox test cards', { selector: 'summary' }).closest('details');
    expect(details).not.toBeNull();
    expect(details?.open).toBe(false);
    const table = screen.getByRole('table', { name: 'Sandbox test cards', hidden: true });
    expect(details?.contains(table)).toBe(true);
    expect(table.textContent).toContain('4242 4242 4242 4242');
    expect(table.textContent).toContain('4000 0000 0000 0119');
  });

  it('asks for number, expiry and security code as a card checkout does, with no placeholder that looks like a value', () => {
    const { input, expiry, cvc } = renderForm();
    expect(input.getAttribute('autocomplete')).toBe('cc-number');
    expect(expiry.getAttribute('autocomplete')).toBe('cc-exp');
    expect(cvc.getAttribute('autocomplete')).toBe('cc-csc');
    for (const field of [input, expiry, cvc]) {
      expect(field.getAttribute('inputmode')).toBe('numeric');
      expect(field.getAttribute('placeholder')).toBeNull();
    }
  });

  it('when a number is typed, then it is shown in groups: 4-4-4-4, and 4-6-5 for American Express', () => {
    const { input, expiry, cvc } = renderForm();
    fireEvent.change(input, { target: { value: '4242424242424242' } });
    expect(input.value).toBe('4242 4242 4242 4242');
    fireEvent.change(input, { target: { value: '378282246310005' } });
    expect(input.value).toBe('3782 822463 10005');
    fireEvent.change(input, { target: { value: '42424' } });
    expect(input.value).toBe('4242 4');
    fireEvent.change(expiry, { target: { value: '1228' } });
    expect(expiry.value).toBe('12/28');
    fireEvent.change(cvc, { target: { value: '1a2b3' } });
    expect(cvc.value).toBe('123');
  });

  it('when a test card number is entered, then it pays with its token and calls back with the payment id', async () => {
    post.mockResolvedValue(ok({ id: 'pay_1' }, 201));
    const { onPaid, submit } = renderForm();
    submit('4242 4242 4242 4242');
    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('pay_1'));
    expect(post).toHaveBeenCalledWith('/api/payments', { orderId: ORDER_ID, token: 'tok_visa' });
  });

  it('when a test card is chosen, then its number fills the input, with a valid expiry and a code of its length', () => {
    const { input, expiry, cvc } = renderForm();
    fireEvent.click(screen.getByRole('button', { name: /Use American Express test card/, hidden: true }));
    expect(input.value).toBe('3782 822463 10005');
    expect(expiry.value).toMatch(/^12\/\d\d$/);
    expect(cvc.value).toBe('1234');
  });

  it('when the number fails the Luhn check, then it says so under the input and does not call the API', () => {
    const { input, submit } = renderForm();
    submit('1234 5678 9012 3456');
    expect(cardError(input)).toBe('Your card number is invalid: check it for a typo');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(input);
    expect(post).not.toHaveBeenCalled();
  });

  it('when a real card number is entered in the sandbox, then it points to the test cards and charges nothing', () => {
    const { input, submit } = renderForm();
    submit('4111 1111 1111 1111');
    expect(cardError(input)).toMatch(
      /^This is the sandbox: real cards are not charged\. Use one of the sandbox test cards/,
    );
    expect(post).not.toHaveBeenCalled();
  });

  it('when the number is missing or too short, then it asks for it without calling the API', () => {
    const { input, submit } = renderForm();
    submit('   ');
    expect(cardError(input)).toBe('Enter your card number');
    submit('4242 4242');
    expect(cardError(input)).toBe('Your card number is incomplete');
    expect(post).not.toHaveBeenCalled();
  });

  it.each([
    ['', 'Enter the expiry date'],
    ['13/30', 'The expiry month must be from 01 to 12'],
    ['00/30', 'The expiry month must be from 01 to 12'],
    ['01/20', 'Your card has expired: the expiry date is in the past'],
    ['1', 'Enter the expiry date as MM/YY'],
  ])('when the expiry is "%s", then it says "%s" under the expiry, focused, and pays nothing', (value, message) => {
    const { expiry, submit } = renderForm();
    submit('4242 4242 4242 4242', { expiry: value });
    expect(cardError(expiry)).toBe(message);
    expect(expiry.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(expiry);
    expect(post).not.toHaveBeenCalled();
  });

  it('when the security code is missing or of the wrong length for the card, then it says so under the code', () => {
    const { cvc, submit } = renderForm();
    submit('4242 4242 4242 4242', { cvc: '' });
    expect(cardError(cvc)).toBe('Enter the security code');
    submit('4242 4242 4242 4242', { cvc: '12' });
    expect(cardError(cvc)).toBe('The security code is the 3 digits on the back of the card');
    submit('3782 822463 10005', { cvc: '123' });
    expect(cardError(cvc)).toBe('The security code of an American Express card is the 4 digits on its front');
    expect(document.activeElement).toBe(cvc);
    expect(post).not.toHaveBeenCalled();
  });

  it('when every field is wrong, then each says why under itself and the number is focused first', () => {
    const { input, expiry, cvc, submit } = renderForm();
    submit('4242 4242 4242 4241', { expiry: '14/99', cvc: '1' });
    expect(cardError(input)).toBe('Your card number is invalid: check it for a typo');
    expect(cardError(expiry)).toBe('The expiry month must be from 01 to 12');
    expect(cardError(cvc)).toBe('The security code is the 3 digits on the back of the card');
    expect(document.activeElement).toBe(input);
  });

  it('when an American Express test card is paid with a 4-digit code, then it pays with its token', async () => {
    post.mockResolvedValue(ok({ id: 'pay_2' }, 201));
    const { onPaid, submit } = renderForm();
    submit('378282246310005', { cvc: '1234' });
    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('pay_2'));
    expect(post).toHaveBeenCalledWith('/api/payments', { orderId: ORDER_ID, token: 'tok_amex' });
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
