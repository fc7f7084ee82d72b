import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PurchaseButton } from '@/components/purchase-button';
import { api } from '@/lib/api-client';
import { apiError, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const TICKET_ID = '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f';

describe('PurchaseButton', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    jest.clearAllMocks();
    post = jest.spyOn(api, 'post');
  });
  afterEach(() => post.mockRestore());

  const purchase = () => {
    render(<PurchaseButton ticketId={TICKET_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Purchase' }));
  };

  it('when the reservation is made, then it goes to the order', async () => {
    post.mockResolvedValue(ok({ id: 'order-1' }, 201));
    purchase();
    await waitFor(() => expect(mockRouter.push).toHaveBeenCalledWith('/orders/order-1'));
    expect(post).toHaveBeenCalledWith('/api/orders', { ticketId: TICKET_ID });
  });

  it('when the answer is NOT_AUTHORIZED, then it offers to sign in and come back to the ticket', async () => {
    post.mockRejectedValue(apiError(401, [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }]));
    purchase();
    const link = await screen.findByRole('link', { name: 'Sign in to buy this ticket' });
    expect(link.getAttribute('href')).toBe(`/auth/signin?next=${encodeURIComponent(`/tickets/${TICKET_ID}`)}`);
    expect(screen.getByRole('alert').textContent).toBe('Not authorized');
  });

  it('when the ticket is taken (TICKET_RESERVED), then it says so and offers no sign-in', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Ticket is already reserved', code: 'TICKET_RESERVED' }]));
    purchase();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Ticket is already reserved'));
    expect(screen.queryByRole('link', { name: 'Sign in to buy this ticket' })).toBeNull();
    expect(mockRouter.push).not.toHaveBeenCalled();
  });

  it('when the race is lost, then Purchase is no longer offered and the page is refreshed to its current state', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Ticket is already reserved', code: 'TICKET_RESERVED' }]));
    purchase();
    await screen.findByRole('alert');
    expect(screen.queryByRole('button', { name: 'Purchase' })).toBeNull();
    expect(mockRouter.refresh).toHaveBeenCalledTimes(1);
  });

  it('when the refreshed page still says on sale, then it looks once more a moment later', async () => {
    jest.useFakeTimers();
    try {
      post.mockRejectedValue(apiError(400, [{ message: 'Ticket is already reserved', code: 'TICKET_RESERVED' }]));
      purchase();
      await waitFor(() => expect(mockRouter.refresh).toHaveBeenCalledTimes(1));
      jest.advanceTimersByTime(1_500);
      expect(mockRouter.refresh).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('when the page says the ticket is not on sale, then it offers nothing, and keeps a message it already shows', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Ticket is already reserved', code: 'TICKET_RESERVED' }]));
    const { container, rerender } = render(<PurchaseButton ticketId={TICKET_ID} onSale={false} />);
    expect(container.innerHTML).toBe('');

    rerender(<PurchaseButton ticketId={TICKET_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Purchase' }));
    await screen.findByRole('alert');
    rerender(<PurchaseButton ticketId={TICKET_ID} onSale={false} />);
    expect(screen.getByRole('alert').textContent).toBe('Ticket is already reserved');
    expect(screen.queryByRole('button', { name: 'Purchase' })).toBeNull();
  });

  it('when the answer is a rate limit, then Purchase stays offered and the page is not refreshed', async () => {
    post.mockRejectedValue(apiError(429, [{ message: 'Too many requests', code: 'RATE_LIMITED' }]));
    purchase();
    await screen.findByRole('alert');
    expect(screen.getByRole('button', { name: 'Purchase' })).toBeTruthy();
    expect(mockRouter.refresh).not.toHaveBeenCalled();
  });
});
