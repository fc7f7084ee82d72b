import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ListingToggle } from '@/components/listing-toggle';
import { rememberSaved, SavedNotice } from '@/components/saved-notice';
import { TicketList } from '@/components/ticket-list';
import { api } from '@/lib/api-client';
import type { Ticket } from '@/lib/types';
import { apiError, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const TICKET: Ticket = {
  id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f',
  title: 'Concert',
  price: 20.5,
  userId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
  version: 0,
  orderId: null,
  status: 'available',
  soldAt: null,
  currency: 'usd',
  eventId: null,
  faceValue: null,
  seat: null,
  resaleOfPassId: null,
  rejectionReason: null,
};

describe('ListingToggle', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    post = jest.spyOn(api, 'post');
    jest.clearAllMocks();
  });
  afterEach(() => post.mockRestore());

  it('when the seller unlists an available ticket, then it posts withdraw, confirms in a status region and refreshes the page', async () => {
    post.mockResolvedValue(ok({ ...TICKET, status: 'withdrawn', version: 1 }));
    render(<ListingToggle ticketId={TICKET.id} status="available" />);
    fireEvent.click(screen.getByRole('button', { name: 'Unlist' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('Unlisted — buyers can no longer find or buy this ticket.'),
    );
    expect(post).toHaveBeenCalledWith(`/api/tickets/${TICKET.id}/withdraw`);
    expect(mockRouter.refresh).toHaveBeenCalled();
  });

  it('when the seller relists a withdrawn ticket, then it posts relist and says it is on sale again', async () => {
    post.mockResolvedValue(ok({ ...TICKET, status: 'available', version: 2 }));
    render(<ListingToggle ticketId={TICKET.id} status="withdrawn" title="Concert" />);
    fireEvent.click(screen.getByRole('button', { name: 'Relist Concert' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('Relisted — your ticket is on sale again.'),
    );
    expect(post).toHaveBeenCalledWith(`/api/tickets/${TICKET.id}/relist`);
  });

  it('when the service refuses (the ticket was reserved meanwhile), then its message is shown in the alert and the page refreshes', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED' }]));
    render(<ListingToggle ticketId={TICKET.id} status="available" />);
    fireEvent.click(screen.getByRole('button', { name: 'Unlist' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Ticket is reserved'));
    expect(screen.getByRole('status').textContent).toBe('');
    expect(mockRouter.refresh).toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Unlist' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('SavedNotice', () => {
  beforeEach(() => sessionStorage.clear());

  it.each([
    ['listed', 'Listed — your ticket is on sale.'],
    ['edited', 'Changes saved.'],
  ] as const)(
    'when the ticket was just %s, then the page confirms it once in a status region',
    async (kind, message) => {
      rememberSaved(TICKET.id, kind);
      const first = render(<SavedNotice ticketId={TICKET.id} version={1} />);
      await waitFor(() => expect(screen.getByRole('status').textContent).toBe(message));
      first.unmount();

      render(<SavedNotice ticketId={TICKET.id} version={1} />);
      await act(async () => {});
      expect(screen.getByRole('status').textContent).toBe('');
    },
  );

  it('when the ticket changes again after the note (the seller unlists it), then the note goes away', async () => {
    rememberSaved(TICKET.id, 'edited');
    const page = render(<SavedNotice ticketId={TICKET.id} version={1} />);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Changes saved.'));
    page.rerender(<SavedNotice ticketId={TICKET.id} version={2} />);
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('when another ticket was saved, then this ticket’s page says nothing', async () => {
    rememberSaved('another-ticket', 'listed');
    render(<SavedNotice ticketId={TICKET.id} version={1} />);
    await act(async () => {});
    expect(screen.getByRole('status').textContent).toBe('');
  });
});

describe('TicketList', () => {
  it('when a ticket is reserved, then its card is greyed and says "Reserved — may come back" in text; an available one does not', () => {
    render(
      <TicketList
        tickets={[
          { ...TICKET, id: 'a', title: 'On sale' },
          { ...TICKET, id: 'r', title: 'Taken for now', status: 'reserved', orderId: 'o' },
        ]}
        buyerFeePercent={10}
      />,
    );
    const [available, reserved] = screen.getAllByRole('listitem');
    expect(reserved!.className).toContain('ticket-card--reserved');
    expect(reserved!.textContent).toContain('Reserved — may come back');
    expect(available!.className).not.toContain('ticket-card--reserved');
    expect(available!.textContent).not.toContain('Reserved');
  });
});
