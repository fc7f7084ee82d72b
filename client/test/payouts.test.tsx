import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PayoutAccountPanel } from '@/components/payout-account-panel';
import { PayoutList, PayoutStateText } from '@/components/payout-list';
import { PayoutNotice } from '@/components/payout-notice';
import { PayoutSetup } from '@/components/payout-setup';
import { api } from '@/lib/api-client';
import { formatDate, formatDateTime } from '@/lib/format';
import { hardNavigate } from '@/lib/navigation';
import { awaitingText } from '@/lib/payouts';
import type { Payout, PayoutAccount } from '@/lib/types';
import { apiError, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));
jest.mock('@/lib/navigation', () => ({ ...jest.requireActual('@/lib/navigation'), hardNavigate: jest.fn() }));

const PAYOUT: Payout = {
  id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
  ticketId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  price: 45,
  sellerFee: 2.25,
  amount: 42.75,
  currency: 'usd',
  state: 'held',
  dueAt: '2030-01-03T20:00:00.000Z',
  paidAt: null,
};

const NOTHING_WAITING: PayoutAccount['awaiting'] = { sales: 0, amount: 0, currency: 'usd' };
const ONE_SALE_WAITING: PayoutAccount['awaiting'] = { sales: 1, amount: 42.75, currency: 'usd' };

/** The text of a rendered element, spaces as a reader sees them. */
const textOf = (element: Element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('PayoutStateText', () => {
  it('when a payout is held, then it says until when, in the reader’s time', () => {
    const { container } = render(<PayoutStateText payout={PAYOUT} />);
    expect(textOf(container)).toBe(`Held until ${formatDateTime(PAYOUT.dueAt!)}`);
    expect(container.querySelector('time')?.getAttribute('datetime')).toBe(PAYOUT.dueAt);
  });

  it('when a payout was paid, then it says on which date', () => {
    const paidAt = '2030-01-04T09:30:00.000Z';
    const { container } = render(<PayoutStateText payout={{ ...PAYOUT, state: 'paid', paidAt }} />);
    expect(textOf(container)).toBe(`Paid ${formatDate(paidAt)}`);
    expect(textOf(container)).toBe('Paid Jan 4, 2030');
  });

  it.each([
    ['awaiting_account', 'Waiting for your payout account'],
    ['on_hold', 'On hold (buyer claim)'],
    ['cancelled', 'Cancelled (buyer refunded)'],
    ['reversed', 'Reversed (buyer refunded)'],
    ['failed', 'Payout failed — we are on it'],
  ] as const)('when a payout is %s, then it says "%s"', (state, words) => {
    const { container } = render(<PayoutStateText payout={{ ...PAYOUT, state, dueAt: null }} />);
    expect(textOf(container)).toBe(words);
  });

  it('when a held payout’s due date is not known yet (its event is not), then it says it is held until after the event', () => {
    const { container } = render(<PayoutStateText payout={{ ...PAYOUT, dueAt: null }} />);
    expect(textOf(container)).toBe('Held until after the event');
  });
});

describe('PayoutList', () => {
  it('when the seller has no sales, then it says so and offers to sell a ticket', () => {
    render(<PayoutList payouts={[]} />);
    expect(screen.getByText('No sales yet.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sell a ticket' }).getAttribute('href')).toBe('/tickets/new');
  });

  it('when a ticket was sold, then its row shows the ticket, the order number, the price, the seller fee, what the seller receives and the state', () => {
    render(<PayoutList payouts={[PAYOUT]} titles={{ [PAYOUT.ticketId]: 'Quartet — row A' }} />);
    const [, row] = screen.getAllByRole('row');
    const cells = [...row!.querySelectorAll('th, td')].map(textOf);
    expect(cells).toEqual([
      'Quartet — row A',
      '6F1C2B9E',
      '$45.00',
      '$2.25',
      '$42.75',
      `Held until ${formatDateTime(PAYOUT.dueAt!)}`,
    ]);
    expect(screen.getByRole('link', { name: 'Quartet — row A' }).getAttribute('href')).toBe(
      `/tickets/${PAYOUT.ticketId}`,
    );
    const headers = screen.getAllByRole('columnheader').map(textOf);
    expect(headers).toEqual(['Ticket', 'Order', 'Price', 'Seller fee', 'You receive', 'State']);
  });

  it('when a ticket’s title is not known, then the row links to it as "Ticket"', () => {
    render(<PayoutList payouts={[{ ...PAYOUT, currency: 'eur', price: 10, sellerFee: 0.5, amount: 9.5 }]} />);
    expect(screen.getByRole('link', { name: 'Ticket' }).getAttribute('href')).toBe(`/tickets/${PAYOUT.ticketId}`);
    expect(screen.getByText('€9.50')).toBeTruthy();
  });
});

describe('awaitingText', () => {
  it('says how much waits, from how many sales, and nothing when nothing waits', () => {
    expect(awaitingText(ONE_SALE_WAITING)).toBe('$42.75 from 1 sale is waiting for your payout account');
    expect(awaitingText({ sales: 3, amount: 120.5, currency: 'usd' })).toBe(
      '$120.50 from 3 sales is waiting for your payout account',
    );
    expect(awaitingText(NOTHING_WAITING)).toBeUndefined();
  });
});

describe('PayoutNotice', () => {
  it('when the seller has no payout account, then it links to My payouts', () => {
    const { container } = render(<PayoutNotice account={{ status: 'none', awaiting: NOTHING_WAITING }} />);
    expect(screen.getByRole('link', { name: 'Set up payouts to get paid for your sales' }).getAttribute('href')).toBe(
      '/payouts',
    );
    expect(textOf(container)).toBe('Set up payouts to get paid for your sales');
  });

  it('when sales wait and the page asks for it (My listings), then it says how much waits', () => {
    const { container } = render(
      <PayoutNotice account={{ status: 'onboarding', awaiting: ONE_SALE_WAITING }} showAwaiting />,
    );
    expect(textOf(container)).toBe(
      '$42.75 from 1 sale is waiting for your payout account. Set up payouts to get paid for your sales',
    );
  });

  it('when the account is ready, or payments did not answer, then it shows nothing', () => {
    const ready = render(<PayoutNotice account={{ status: 'ready', awaiting: NOTHING_WAITING }} showAwaiting />);
    expect(ready.container.innerHTML).toBe('');
    const unknown = render(<PayoutNotice account={undefined} />);
    expect(unknown.container.innerHTML).toBe('');
  });
});

describe('PayoutAccountPanel', () => {
  it.each([
    ['none', 'Set up payouts'],
    ['onboarding', 'Continue setup'],
  ] as const)('when the account is %s, then it offers "%s" and says what waits', (status, button) => {
    const account: PayoutAccount = { status, awaiting: ONE_SALE_WAITING };
    render(<PayoutAccountPanel account={account} />);
    expect(screen.getByRole('button', { name: button })).toBeTruthy();
    expect(screen.getByText('$42.75 from 1 sale is waiting for your payout account.')).toBeTruthy();
  });

  it('when the account is ready, then it says so and offers no setup', () => {
    render(<PayoutAccountPanel account={{ status: 'ready', awaiting: NOTHING_WAITING }} />);
    expect(screen.getByRole('heading', { name: 'Payouts are ready' })).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('PayoutSetup', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    jest.clearAllMocks();
    post = jest.spyOn(api, 'post');
  });
  afterEach(() => post.mockRestore());

  it('when payments answers an onboarding link (Stripe), then the browser follows it', async () => {
    const url = 'https://connect.stripe.com/setup/e/acct_1Q2w3E4r5T6y7U8i/aBcD';
    post.mockResolvedValue(ok({ status: 'onboarding', onboardingUrl: url }));
    render(<PayoutSetup status="none" />);
    fireEvent.click(screen.getByRole('button', { name: 'Set up payouts' }));
    await waitFor(() => expect(hardNavigate).toHaveBeenCalledWith(url));
    expect(post).toHaveBeenCalledWith('/api/payments/payout-account');
  });

  it('when the account is ready at once (sandbox), then it says "Payouts are ready" and refreshes the page', async () => {
    post.mockResolvedValue(ok({ status: 'ready', onboardingUrl: null }));
    render(<PayoutSetup status="onboarding" />);
    fireEvent.click(screen.getByRole('button', { name: 'Continue setup' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Payouts are ready'));
    expect(mockRouter.refresh).toHaveBeenCalled();
    expect(hardNavigate).not.toHaveBeenCalled();
  });

  it('when the page refreshes with the ready account, then the announcement stays and no button is offered', async () => {
    post.mockResolvedValue(ok({ status: 'ready', onboardingUrl: null }));
    const page = render(<PayoutAccountPanel account={{ status: 'none', awaiting: ONE_SALE_WAITING }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Set up payouts' }));
    await waitFor(() => expect(mockRouter.refresh).toHaveBeenCalled());
    page.rerender(<PayoutAccountPanel account={{ status: 'ready', awaiting: NOTHING_WAITING }} />);
    expect(screen.getByRole('heading', { name: 'Payouts are ready' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Payouts are ready');
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByText(/is waiting for your payout account/)).toBeNull();
  });

  it('when Stripe cannot be reached, then the message is shown in the alert and the button works again', async () => {
    post.mockRejectedValue(
      apiError(503, [{ message: 'The payment provider is unavailable', code: 'GATEWAY_UNAVAILABLE' }]),
    );
    render(<PayoutSetup status="none" />);
    fireEvent.click(screen.getByRole('button', { name: 'Set up payouts' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The payment provider is unavailable'));
    expect((screen.getByRole('button', { name: 'Set up payouts' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
