import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { OrderView } from '@/components/order-view';
import { api } from '@/lib/api-client';
import { orderPhase } from '@/lib/order-phase';
import type { Order } from '@/lib/types';
import { apiError, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const NOW = new Date('2030-01-01T12:00:00.000Z').getTime();

function order(overrides: Partial<Order> = {}): Order {
  return {
    id: '7d2f6a3c-1b2e-4c5d-9e8f-0a1b2c3d4e5f',
    userId: 'buyer',
    status: 'created',
    expiresAt: new Date(NOW + 5_000).toISOString(),
    version: 0,
    price: 20,
    buyerFee: 2,
    total: 22,
    currency: 'usd',
    ticket: { id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f', title: 'Concert', price: 20 },
    createdAt: new Date(NOW - 60_000).toISOString(),
    paidAt: null,
    paymentId: null,
    ...overrides,
  };
}

/** The all-in total the order's summary shows (beside "Total", above its breakdown). */
const shownTotal = () =>
  screen.getByText('Total', { selector: 'dt' }).nextElementSibling?.querySelector('.price')?.textContent;

describe('orderPhase', () => {
  it('tells paid, pending, expired and cancelled orders apart', () => {
    expect(orderPhase(order({ status: 'complete' }), NOW + 60_000)).toBe('paid');
    expect(orderPhase(order(), NOW)).toBe('pending');
    expect(orderPhase(order({ status: 'awaiting:payment' }), NOW)).toBe('pending');
    expect(orderPhase(order(), NOW + 5_000)).toBe('expired');
    expect(orderPhase(order({ status: 'cancelled' }), NOW + 10_000)).toBe('expired');
    expect(orderPhase(order({ status: 'cancelled' }), NOW)).toBe('cancelled');
  });
});

describe('OrderView', () => {
  beforeEach(() => {
    jest.clearAllMocks();
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('when the countdown runs out, then the payment form gives way to the expired state', () => {
    jest.useFakeTimers();
    jest.setSystemTime(NOW);
    render(<OrderView order={order()} initialPhase="pending" publishableKey={null} />);
    expect(screen.getByRole('timer').textContent).toBe('Expires in 0:05');
    expect(screen.getByLabelText('Card number')).toBeTruthy();

    act(() => jest.advanceTimersByTime(5_000));
    expect(screen.getByRole('status').textContent).toContain('This reservation has expired');
    expect(screen.queryByLabelText('Card number')).toBeNull();
    expect(screen.queryByRole('timer')).toBeNull();
  });

  it('when the order was reserved at another price than the ticket has now, then it shows and charges the order’s total', () => {
    render(
      <OrderView
        order={order({
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
          price: 20.5,
          buyerFee: 2.05,
          total: 22.55,
          ticket: { id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f', title: 'Concert', price: 99 },
        })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    expect(shownTotal()).toBe('$22.55');
    expect(screen.getByRole('button', { name: 'Pay $22.55' })).toBeTruthy();
    expect(screen.queryByText('$99.00')).toBeNull();
  });

  it('when the order stores amounts another fee percentage would not give, then it shows the stored ones, never recomputed', () => {
    render(
      <OrderView
        order={order({ expiresAt: new Date(Date.now() + 600_000).toISOString(), price: 40, buyerFee: 3, total: 43 })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    expect(shownTotal()).toBe('$43.00');
    expect(screen.getByText('Price breakdown').closest('details')?.textContent).toContain(
      'Ticket $40.00 · Service fee $3.00 · Total $43.00',
    );
    expect(screen.getByRole('button', { name: 'Pay $43.00' })).toBeTruthy();
  });

  it('when the order is priced in yen, then its price and the payment button are in yen, without decimals', () => {
    render(
      <OrderView
        order={order({
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
          price: 5000,
          buyerFee: 500,
          total: 5500,
          currency: 'jpy',
          ticket: { id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f', title: 'Concert', price: 5000 },
        })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    expect(shownTotal()).toBe('¥5,500');
    expect(screen.getByRole('button', { name: 'Pay ¥5,500' })).toBeTruthy();
  });

  it('when the payment goes through, then it shows the order as paid', async () => {
    jest.spyOn(api, 'post').mockResolvedValue(ok({ id: 'pay_1' }, 201));
    render(
      <OrderView
        order={order({ expiresAt: new Date(Date.now() + 600_000).toISOString() })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    fireEvent.change(screen.getByLabelText('Card number'), { target: { value: '4242 4242 4242 4242' } });
    fireEvent.change(screen.getByLabelText('Expiry date (MM/YY)'), { target: { value: '12/99' } });
    fireEvent.change(screen.getByLabelText('Security code (CVC)'), { target: { value: '123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pay $22.00' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Paid — the ticket is yours'));
    expect(screen.queryByLabelText('Card number')).toBeNull();
    expect(mockRouter.refresh).toHaveBeenCalled();
    // Before orders has recorded the payment, the page shows the one it just made.
    expect(screen.getByText('Payment reference').nextSibling?.textContent).toBe('pay_1');
    expect(screen.getByText('Paid', { selector: 'dt' })).toBeTruthy();
  });

  it('when the buyer presses Cancel order, then nothing is cancelled until they confirm, and they can keep it', () => {
    const remove = jest.spyOn(api, 'delete').mockResolvedValue(ok(null, 204));
    render(
      <OrderView
        order={order({ expiresAt: new Date(Date.now() + 600_000).toISOString() })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel order' }));
    expect(
      screen.getByRole('group', { name: /Cancel your reservation\? The ticket goes back on sale\./ }),
    ).toBeTruthy();
    expect(remove).not.toHaveBeenCalled();
    expect(document.activeElement?.textContent).toBe('Keep my reservation');
    fireEvent.click(screen.getByRole('button', { name: 'Keep my reservation' }));
    expect(screen.getByRole('button', { name: 'Cancel order' })).toBeTruthy();
    expect(remove).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Card number')).toBeTruthy();
  });

  it('when the buyer cancels and confirms, then it shows the order as cancelled', async () => {
    const remove = jest.spyOn(api, 'delete').mockResolvedValue(ok(null, 204));
    const current = order({ expiresAt: new Date(Date.now() + 600_000).toISOString() });
    render(<OrderView order={current} initialPhase="pending" publishableKey={null} />);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel order' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('This order was cancelled'));
    expect(remove).toHaveBeenCalledWith(`/api/orders/${current.id}`);
  });

  it('when cancelling fails, then it says why and keeps the order payable', async () => {
    jest
      .spyOn(api, 'delete')
      .mockRejectedValue(
        apiError(400, [{ message: 'A completed order cannot be cancelled', code: 'ORDER_COMPLETED' }]),
      );
    render(
      <OrderView
        order={order({ expiresAt: new Date(Date.now() + 600_000).toISOString() })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel order' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    await waitFor(() =>
      expect(
        screen.getAllByRole('alert').some((alert) => alert.textContent === 'A completed order cannot be cancelled'),
      ).toBe(true),
    );
    expect(screen.getByLabelText('Card number')).toBeTruthy();
  });

  it('shows the ticket’s title across the card above the details, the order number shortened with the full one a click away, and when it was reserved', () => {
    const long = 'A very long ticket title '.repeat(8).trim();
    render(
      <OrderView
        order={order({ ticket: { id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f', title: long, price: 20 } })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    const title = screen.getByRole('heading', { level: 2, name: long });
    expect(title.closest('dl')).toBeNull();
    expect(screen.getByRole('link', { name: long }).getAttribute('href')).toBe(
      '/tickets/0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f',
    );
    const number = screen.getByText('Order number').nextSibling as HTMLElement;
    expect(number.querySelector('summary')?.textContent).toContain('7D2F6A3C');
    expect(number.querySelector('details code')?.textContent).toBe('7d2f6a3c-1b2e-4c5d-9e8f-0a1b2c3d4e5f');
    const reserved = screen.getByText('Reserved').nextSibling as HTMLElement;
    expect(reserved.querySelector('time')?.getAttribute('datetime')).toBe(new Date(NOW - 60_000).toISOString());
    expect(screen.queryByText('Payment reference')).toBeNull();
  });

  it('before paying, shows a summary: the ticket, its price, the service fee and the total', () => {
    render(
      <OrderView
        order={order({
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
          price: 20.5,
          buyerFee: 2.05,
          total: 22.55,
        })}
        initialPhase="pending"
        publishableKey={null}
      />,
    );
    const summary = screen.getByRole('table', { name: 'Order summary' });
    const rows = Array.from(summary.querySelectorAll('tr')).map((row) => row.textContent);
    expect(rows).toEqual(['Concert$20.50', 'Service fee$2.05', 'Total$22.55']);
  });

  it('when the order is paid, then it shows when and the payment reference', () => {
    render(
      <OrderView
        order={order({
          status: 'complete',
          paidAt: '2030-01-01T12:04:00.000Z',
          paymentId: '3c5e7a90-1b2d-4f6a-8c9e-0d1f2a3b4c5d',
        })}
        initialPhase="paid"
        publishableKey={null}
      />,
    );
    const paid = screen.getByText('Paid', { selector: 'dt' }).nextSibling as HTMLElement;
    expect(paid.querySelector('time')?.getAttribute('datetime')).toBe('2030-01-01T12:04:00.000Z');
    expect(paid.textContent).toMatch(/2030/);
    expect(screen.getByText('Payment reference').nextSibling?.textContent).toBe('3c5e7a90-1b2d-4f6a-8c9e-0d1f2a3b4c5d');
    expect(screen.queryByRole('table', { name: 'Order summary' })).toBeNull();
  });

  it('when the order is already paid, then there is no payment form', () => {
    render(<OrderView order={order({ status: 'complete' })} initialPhase="paid" publishableKey={null} />);
    expect(screen.getByRole('status').textContent).toContain('Paid');
    expect(screen.queryByLabelText('Card number')).toBeNull();
  });
});

describe('OrderView, once paid', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.clearAllMocks();
  });

  it('when the pass has been issued, then the paid order leads to it', () => {
    render(
      <OrderView
        order={order({ status: 'complete', paidAt: new Date(NOW).toISOString(), paymentId: 'pay_1' })}
        initialPhase="paid"
        publishableKey={null}
        passId="4f3e2d1c-0b9a-4876-9543-210fedcba987"
      />,
    );
    expect(screen.getByRole('link', { name: 'Show your ticket' }).getAttribute('href')).toBe(
      '/passes/4f3e2d1c-0b9a-4876-9543-210fedcba987',
    );
    expect(screen.queryByText(/being issued/)).toBeNull();
  });

  it('when the pass is not issued yet, then it says so and asks again every 2 s for half a minute', () => {
    jest.useFakeTimers();
    render(
      <OrderView
        order={order({ status: 'complete', paidAt: new Date(NOW).toISOString(), paymentId: 'pay_1' })}
        initialPhase="paid"
        publishableKey={null}
      />,
    );
    expect(screen.getByText(/Your ticket is being issued/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Show your ticket' })).toBeNull();

    act(() => jest.advanceTimersByTime(2_000));
    expect(mockRouter.refresh).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(60_000));
    expect(mockRouter.refresh).toHaveBeenCalledTimes(15);
  });
});
