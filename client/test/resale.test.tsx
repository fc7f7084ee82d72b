import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ListingToggle } from '@/components/listing-toggle';
import { LOCK_REFRESH_MS, LOCK_REFRESHES, ResaleListingState } from '@/components/resale-listing-state';
import { SellPassForm } from '@/components/sell-pass-form';
import { TicketStatusBadge } from '@/components/status-badge';
import { api } from '@/lib/api-client';
import { canResell, capText, REJECTION_REASONS, resaleCap, validateResalePrice } from '@/lib/resale';
import type { Ticket } from '@/lib/types';
import { apiError, errorUnder, hintOf, networkError, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const PASS_ID = '7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const LISTING_ID = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('the resale price cap', () => {
  it('is floor(paid × percent / 100) in minor units, as the tickets service computes it', () => {
    expect(resaleCap(50, 'usd', 120).max).toBe(60);
    expect(resaleCap(0.99, 'usd', 120).max).toBe(1.18);
    expect(resaleCap(33.33, 'usd', 150).max).toBe(49.99);
    expect(resaleCap(5000, 'jpy', 120).max).toBe(6000);
    expect(resaleCap(1001, 'jpy', 115).max).toBe(1151);
  });

  it('is stated in words before anything is sent', () => {
    expect(capText(resaleCap(50, 'usd', 120))).toBe('At most $60.00 — 120% of the $50.00 you paid for the ticket');
  });

  it('accepts exactly the cap and refuses a cent more, after the rules of any price', () => {
    const cap = resaleCap(50, 'usd', 120);
    expect(validateResalePrice('60', cap)).toBeUndefined();
    expect(validateResalePrice('$59.99', cap)).toBeUndefined();
    expect(validateResalePrice('60.01', cap)).toBe(
      'Price must be at most $60.00 (120% of the $50.00 you paid for the ticket)',
    );
    expect(validateResalePrice('', cap)).toBe('Price is required');
    expect(validateResalePrice('0', cap)).toBe('Price must be greater than 0');
    expect(validateResalePrice('10.005', cap)).toBe('Price must have at most 2 decimal places');
  });
});

describe('canResell', () => {
  const NOW = Date.parse('2030-01-01T12:00:00Z');
  it('offers a valid pass of an event that has not started, or of no event', () => {
    expect(canResell({ status: 'valid' }, '2030-01-02T12:00:00Z', NOW)).toBe(true);
    expect(canResell({ status: 'valid' }, undefined, NOW)).toBe(true);
  });
  it('does not offer a pass whose event started, nor one listed, used or replaced', () => {
    expect(canResell({ status: 'valid' }, '2030-01-01T11:59:00Z', NOW)).toBe(false);
    expect(canResell({ status: 'listed' }, undefined, NOW)).toBe(false);
    expect(canResell({ status: 'admitted' }, undefined, NOW)).toBe(false);
    expect(canResell({ status: 'revoked' }, undefined, NOW)).toBe(false);
  });
});

describe('SellPassForm', () => {
  const cap = resaleCap(50, 'usd', 120);
  let post: jest.SpyInstance;
  beforeEach(() => {
    jest.clearAllMocks();
    post = jest.spyOn(api, 'post');
  });
  afterEach(() => post.mockRestore());

  const price = () => screen.getByLabelText('Price (USD)');
  const submit = () => fireEvent.click(screen.getByRole('button', { name: 'List for resale' }));

  it('shows the cap on the price field before the seller types anything', () => {
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Harbour Jazz Night, balcony" sellerFeePercent={5} />);
    expect(hintOf(price())).toBe('At most $60.00 — 120% of the $50.00 you paid for the ticket');
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Harbour Jazz Night, balcony');
  });

  it('when the price is over the cap, then it says so under the price and sends nothing', () => {
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(price(), { target: { value: '60.01' } });
    submit();
    expect(errorUnder(price())).toBe('Price must be at most $60.00 (120% of the $50.00 you paid for the ticket)');
    expect(document.activeElement).toBe(price());
    expect(post).not.toHaveBeenCalled();
  });

  it('when the price is within the cap, then it lists the pass (keeping the ticket’s title) and opens the listing', async () => {
    post.mockResolvedValue(ok({ id: LISTING_ID, status: 'pending' }, 201));
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(price(), { target: { value: '60' } });
    submit();
    await waitFor(() => expect(mockRouter.push).toHaveBeenCalledWith(`/tickets/${LISTING_ID}`));
    expect(post).toHaveBeenCalledWith('/api/tickets', { resaleOfPassId: PASS_ID, price: 60 });
  });

  it('when the seller gives another title, then it is sent with the listing', async () => {
    post.mockResolvedValue(ok({ id: LISTING_ID, status: 'pending' }, 201));
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(price(), { target: { value: '45.50' } });
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: '  Concert, balcony  ' } });
    submit();
    await waitFor(() => expect(post).toHaveBeenCalled());
    expect(post).toHaveBeenCalledWith('/api/tickets', {
      resaleOfPassId: PASS_ID,
      price: 45.5,
      title: 'Concert, balcony',
    });
  });

  it('when the service refuses the price (RESALE_PRICE_CAP), then its message is shown under the price', async () => {
    post.mockRejectedValue(
      apiError(400, [
        { message: 'Price must be at most 54.00 (120% of the 45.00 paid)', code: 'RESALE_PRICE_CAP', field: 'price' },
      ]),
    );
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(price(), { target: { value: '55' } });
    submit();
    await waitFor(() => expect(errorUnder(price())).toBe('Price must be at most 54.00 (120% of the 45.00 paid)'));
    expect(mockRouter.push).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'List for resale' })).toBeTruthy();
  });

  it.each([
    [403, 'NOT_PASS_HOLDER', 'You do not hold this pass'],
    [404, 'PASS_NOT_FOUND', 'Pass not found'],
  ])('when the service answers %i %s, then its message is shown at the form', async (status, code, message) => {
    post.mockRejectedValue(apiError(status, [{ message, code, field: 'resaleOfPassId' }]));
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(price(), { target: { value: '50' } });
    submit();
    await waitFor(() => expect(screen.getAllByRole('alert').some((alert) => alert.textContent === message)).toBe(true));
    expect(errorUnder(price())).toBe('');
    expect(mockRouter.push).not.toHaveBeenCalled();
  });

  it('when the service cannot be reached, then it says so', async () => {
    post.mockRejectedValue(networkError());
    render(<SellPassForm passId={PASS_ID} cap={cap} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(price(), { target: { value: '50' } });
    submit();
    await waitFor(() =>
      expect(screen.getAllByRole('alert').some((alert) => alert.textContent?.includes('could not reach'))).toBe(true),
    );
  });
});

function listing(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: LISTING_ID,
    title: 'Concert',
    price: 60,
    currency: 'usd',
    userId: 'seller',
    version: 0,
    orderId: null,
    status: 'pending',
    soldAt: null,
    eventId: null,
    faceValue: null,
    seat: null,
    resaleOfPassId: PASS_ID,
    rejectionReason: null,
    ...overrides,
  };
}

describe('ResaleListingState', () => {
  beforeEach(() => jest.clearAllMocks());
  afterEach(() => jest.useRealTimers());

  it('when the listing is pending, then it says the pass is being locked and refreshes until it is not, for half a minute at most', () => {
    jest.useFakeTimers();
    const { rerender } = render(<ResaleListingState ticket={listing()} />);
    expect(screen.getByRole('status').textContent).toBe(
      'Locking your pass… your listing goes on sale when it is locked.',
    );
    act(() => jest.advanceTimersByTime(LOCK_REFRESH_MS * 3));
    expect(mockRouter.refresh).toHaveBeenCalledTimes(3);

    // A refresh that still reads pending keeps the same count going.
    rerender(<ResaleListingState ticket={listing()} />);
    act(() => jest.advanceTimersByTime(LOCK_REFRESH_MS * (LOCK_REFRESHES + 5)));
    expect(mockRouter.refresh).toHaveBeenCalledTimes(LOCK_REFRESHES);
    expect(LOCK_REFRESH_MS * LOCK_REFRESHES).toBeLessThanOrEqual(30_000);
    expect(screen.getByRole('status').textContent).toContain('This is taking longer than usual');
  });

  it('when the listing goes on sale, then it stops refreshing and says the pass is locked while listed', () => {
    jest.useFakeTimers();
    const { rerender } = render(<ResaleListingState ticket={listing()} />);
    act(() => jest.advanceTimersByTime(LOCK_REFRESH_MS));
    rerender(<ResaleListingState ticket={listing({ status: 'available', version: 1 })} />);
    act(() => jest.advanceTimersByTime(LOCK_REFRESH_MS * 5));
    expect(mockRouter.refresh).toHaveBeenCalledTimes(1);
    expect(screen.getByText(/cannot be used at the door; unlisting gives it back/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'your ticket' }).getAttribute('href')).toBe(`/passes/${PASS_ID}`);
  });

  it.each(Object.entries(REJECTION_REASONS))(
    'when the listing was rejected (%s), then it gives the reason in words and does not refresh',
    (reason, words) => {
      jest.useFakeTimers();
      render(
        <ResaleListingState
          ticket={listing({ status: 'rejected', rejectionReason: reason as Ticket['rejectionReason'] })}
        />,
      );
      expect(screen.getByRole('status').textContent).toContain(`This listing was refused: ${words}.`);
      act(() => jest.advanceTimersByTime(LOCK_REFRESH_MS * 5));
      expect(mockRouter.refresh).not.toHaveBeenCalled();
    },
  );

  it('says the four reasons as the seller reads them', () => {
    expect(REJECTION_REASONS).toEqual({
      admitted: 'this pass was already used at the door',
      revoked: 'this pass was revoked (the ticket was resold, or its buyer refunded)',
      listed: 'this pass is already listed for resale',
      not_holder: 'you do not hold this pass',
    });
  });

  it('shows nothing for an ordinary listing', () => {
    const { container } = render(
      <ResaleListingState ticket={listing({ resaleOfPassId: null, status: 'available' })} />,
    );
    expect(container.textContent).toBe('');
  });

  it('badges a pending and a rejected listing', () => {
    render(
      <>
        <TicketStatusBadge status="pending" />
        <TicketStatusBadge status="rejected" />
      </>,
    );
    expect(screen.getByText('Awaiting the pass lock')).toBeTruthy();
    expect(screen.getByText('Rejected')).toBeTruthy();
  });
});

describe('ListingToggle on a resale listing', () => {
  it('when a withdrawn resale listing is relisted, then it says the pass is being locked again', async () => {
    jest.clearAllMocks();
    const post = jest.spyOn(api, 'post').mockResolvedValue(ok(listing({ status: 'pending', version: 3 })));
    render(<ListingToggle ticketId={LISTING_ID} status="withdrawn" />);
    fireEvent.click(screen.getByRole('button', { name: 'Relist' }));
    await waitFor(() =>
      expect(
        screen.getByText('Relisted — locking your pass; your listing goes on sale when it is locked.'),
      ).toBeTruthy(),
    );
    expect(post).toHaveBeenCalledWith(`/api/tickets/${LISTING_ID}/relist`);
    expect(mockRouter.refresh).toHaveBeenCalled();
    post.mockRestore();
  });
});
