import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TicketForm } from '@/components/ticket-form';
import { api } from '@/lib/api-client';
import { parsePrice, validateTicketInput } from '@/lib/ticket-input';
import { apiError, errorUnder, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const TICKET = { id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f', title: 'Concert', price: 20.5 };

function fill(title: string, price: string) {
  fireEvent.change(screen.getByLabelText('Title'), { target: { value: title } });
  fireEvent.change(screen.getByLabelText('Price (USD)'), { target: { value: price } });
}

describe('TicketForm', () => {
  let post: jest.SpyInstance;
  let put: jest.SpyInstance;
  beforeEach(() => {
    post = jest.spyOn(api, 'post');
    put = jest.spyOn(api, 'put');
    jest.clearAllMocks();
  });
  afterEach(() => {
    post.mockRestore();
    put.mockRestore();
  });

  it('when the fields are empty, then each says what is missing and nothing is sent', () => {
    render(<TicketForm sellerFeePercent={5} />);
    fireEvent.click(screen.getByRole('button', { name: 'List ticket' }));
    expect(errorUnder(screen.getByLabelText('Title'))).toBe('Title is required');
    expect(errorUnder(screen.getByLabelText('Price (USD)'))).toBe('Price is required');
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
    expect(post).not.toHaveBeenCalled();
  });

  it('when the seller types a title, then a counter shows its characters against the 200 allowed, and the field stops at 200', () => {
    render(<TicketForm sellerFeePercent={5} />);
    const title = screen.getByLabelText('Title') as HTMLInputElement;
    expect(title.maxLength).toBe(200);
    fireEvent.change(title, { target: { value: 'Jazz 🎷' } });
    expect(screen.getByText('6/200')).toBeTruthy();
  });

  it.each([
    ['abc', 'Price must be a number, like 20 or 20.50'],
    ['0', 'Price must be greater than 0'],
    ['10.005', 'Price must have at most 2 decimal places'],
    ['1000000.01', 'Price must be at most 1,000,000'],
    ['-5', 'Price must be greater than 0'],
    ['\u22121', 'Price must be greater than 0'],
    ['1e9', 'Price must be at most 1,000,000'],
    ['1.5e2.3', 'Price must be a number, like 20 or 20.50'],
  ])('when the price is %s, then it explains "%s" under the price', (price, message) => {
    render(<TicketForm sellerFeePercent={5} />);
    fill('Concert', price);
    fireEvent.click(screen.getByRole('button', { name: 'List ticket' }));
    expect(errorUnder(screen.getByLabelText('Price (USD)'))).toBe(message);
    expect(errorUnder(screen.getByLabelText('Title'))).toBe('');
    expect(post).not.toHaveBeenCalled();
  });

  it('when the title is over 200 characters, then it says so', () => {
    render(<TicketForm sellerFeePercent={5} />);
    fill('x'.repeat(201), '10');
    fireEvent.click(screen.getByRole('button', { name: 'List ticket' }));
    expect(errorUnder(screen.getByLabelText('Title'))).toBe('Title must be at most 200 characters');
  });

  it('when the input is valid, then it creates the ticket with a numeric price and opens it', async () => {
    post.mockResolvedValue(ok({ ...TICKET, userId: 'u1', version: 0, orderId: null, status: 'available' }, 201));
    render(<TicketForm sellerFeePercent={5} />);
    fill('  Concert  ', '$1,020.5');
    fireEvent.click(screen.getByRole('button', { name: 'List ticket' }));
    await waitFor(() => expect(mockRouter.push).toHaveBeenCalledWith(`/tickets/${TICKET.id}`));
    expect(post).toHaveBeenCalledWith('/api/tickets', { title: 'Concert', price: 1020.5 });
    // The ticket's page confirms it ("Listed"): SavedNotice reads this.
    expect(sessionStorage.getItem(`ticketing:saved:${TICKET.id}`)).toBe('listed');
  });

  it('when an edit is saved, then it opens the ticket, which will confirm "Changes saved"', async () => {
    put.mockResolvedValue(ok({ ...TICKET, userId: 'u1', version: 1, orderId: null, status: 'available' }));
    render(<TicketForm ticket={TICKET} sellerFeePercent={5} />);
    fill('Concert', '25');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(mockRouter.push).toHaveBeenCalledWith(`/tickets/${TICKET.id}`));
    expect(sessionStorage.getItem(`ticketing:saved:${TICKET.id}`)).toBe('edited');
  });

  it('when the server rejects a field, then its message appears under that input', async () => {
    post.mockRejectedValue(
      apiError(400, [
        { message: 'Title must not contain control characters', code: 'VALIDATION_FAILED', field: 'title' },
        { message: 'Price must be at most 1000000', code: 'VALIDATION_FAILED', field: 'price' },
      ]),
    );
    render(<TicketForm sellerFeePercent={5} />);
    fill('Concert', '10');
    fireEvent.click(screen.getByRole('button', { name: 'List ticket' }));
    await waitFor(() =>
      expect(errorUnder(screen.getByLabelText('Title'))).toBe('Title must not contain control characters'),
    );
    expect(errorUnder(screen.getByLabelText('Price (USD)'))).toBe('Price must be at most 1000000');
    expect(screen.getByRole('alert').textContent).toBe('');
    expect(mockRouter.push).not.toHaveBeenCalled();
  });

  it('when the server refuses the edit (ticket reserved meanwhile), then the message is in the form alert', async () => {
    put.mockRejectedValue(apiError(400, [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }]));
    render(<TicketForm ticket={TICKET} sellerFeePercent={5} />);
    expect((screen.getByLabelText('Price (USD)') as HTMLInputElement).value).toBe('20.50');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Ticket is reserved'));
    expect(put).toHaveBeenCalledWith(`/api/tickets/${TICKET.id}`, { title: 'Concert', price: 20.5 });
  });

  it('when the ticket is locked, then the form is disabled and says why', () => {
    render(
      <TicketForm
        ticket={TICKET}
        disabledReason="This ticket has been sold, so it can no longer be edited."
        sellerFeePercent={5}
      />,
    );
    expect(screen.getByText('This ticket has been sold, so it can no longer be edited.')).toBeTruthy();
    // Disabled through their fieldset.
    expect(screen.getByLabelText('Title').matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Price (USD)').matches(':disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Save changes' }).matches(':disabled')).toBe(true);
  });
});

describe('parsePrice and validateTicketInput', () => {
  it('read prices the way sellers type them', () => {
    expect(parsePrice('20')).toBe(20);
    expect(parsePrice('20.')).toBe(20);
    expect(parsePrice('.5')).toBe(0.5);
    expect(parsePrice('$1,000.25')).toBe(1000.25);
    expect(parsePrice('1e3')).toBeUndefined();
    expect(validateTicketInput({ title: 'A', price: '1000000' })).toEqual({});
  });
});
