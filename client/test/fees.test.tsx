import { fireEvent, render, screen } from '@testing-library/react';
import { EventList } from '@/components/event-list';
import { AllInPrice } from '@/components/price-breakdown';
import { SellPassForm } from '@/components/sell-pass-form';
import { TicketForm } from '@/components/ticket-form';
import { TicketList } from '@/components/ticket-list';
import { allInPrice, breakdownText, sellerReceives } from '@/lib/fees';
import { resaleCap } from '@/lib/resale';
import { buyerFeePercent, sellerFeePercent } from '@/lib/server-config';
import type { CatalogEvent, Ticket } from '@/lib/types';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const TICKET: Ticket = {
  id: '0b9a4c7e-6a3b-4c1d-8e2f-3a4b5c6d7e8f',
  title: 'Concert',
  price: 45,
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

describe('the all-in price', () => {
  it('when a ticket costs $45.00 and the buyer fee is 10 %, then the buyer pays $49.50, of which $4.50 is the fee', () => {
    expect(allInPrice(45, 'usd', 10)).toEqual({ price: 45, buyerFee: 4.5, total: 49.5, currency: 'usd' });
  });

  it('when the fee is 7.5 % of $19.99, then it is rounded half up to $1.50, as orders stores it', () => {
    expect(allInPrice(19.99, 'usd', 7.5)).toMatchObject({ buyerFee: 1.5, total: 21.49 });
  });

  it('when the currency has no decimals, then the fee is a whole number of yen', () => {
    expect(allInPrice(5005, 'jpy', 10)).toMatchObject({ buyerFee: 501, total: 5506 });
  });

  it('when the fee is 0, then the buyer pays the price', () => {
    expect(allInPrice(45, 'usd', 0)).toMatchObject({ buyerFee: 0, total: 45 });
  });

  it('reads as "Ticket $45.00 · Service fee $4.50 · Total $49.50"', () => {
    expect(breakdownText(allInPrice(45, 'usd', 10))).toBe('Ticket $45.00 · Service fee $4.50 · Total $49.50');
  });

  it('when shown, then the total is the price and the breakdown is one click away, closed at first', () => {
    render(<AllInPrice amounts={allInPrice(45, 'usd', 10)} of="Concert" />);
    expect(document.querySelector('.price')?.textContent).toBe('$49.50');
    const details = screen.getByText('Price breakdown').closest('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe('Price breakdown for Concert');
    fireEvent.click(details.querySelector('summary')!);
    expect(details.textContent).toContain('Ticket $45.00 · Service fee $4.50 · Total $49.50');
  });

  it('when tickets are listed, then each card shows its all-in price and its own breakdown', () => {
    render(<TicketList tickets={[TICKET, { ...TICKET, id: 'b', title: 'Opera', price: 20 }]} buyerFeePercent={10} />);
    const [concert, opera] = screen.getAllByRole('listitem');
    expect(concert!.querySelector('.ticket-card__price')?.textContent).toBe('$49.50');
    expect(opera!.querySelector('.ticket-card__price')?.textContent).toBe('$22.00');
    expect(opera!.textContent).toContain('Ticket $20.00 · Service fee $2.00 · Total $22.00');
  });

  it('when events are listed, then "from" is the cheapest ticket’s all-in price', () => {
    const event = {
      id: 'e',
      name: 'Harbour Jazz',
      startsAt: '2030-01-01T20:00:00.000Z',
      venue: 'Pier 4',
      city: 'Oslo',
      category: null,
      availableListings: 2,
      lowestPrice: 30,
      currency: 'usd',
    } as unknown as CatalogEvent;
    render(<EventList events={[event]} buyerFeePercent={10} />);
    expect(document.querySelector('.ticket-card__price')?.textContent).toBe('2 on sale from $33.00 incl. fees');
  });
});

describe('what a seller receives', () => {
  it('when a ticket sells for $22.00 and the seller fee is 5 %, then the seller receives $20.90', () => {
    expect(sellerReceives(22, 'usd', 5)).toBe(20.9);
  });

  it('when the seller types a price, then the sell form says what they will receive, as they type', () => {
    render(<TicketForm sellerFeePercent={5} />);
    const price = screen.getByLabelText('Price (USD)');
    fireEvent.change(price, { target: { value: '22' } });
    expect(screen.getByText('You will receive $20.90 after the 5% seller fee')).toBeTruthy();
    fireEvent.change(price, { target: { value: '45.5' } });
    expect(screen.getByText('You will receive $43.22 after the 5% seller fee')).toBeTruthy();
  });

  it('when the price is not a valid one yet, then it says nothing about what the seller receives', () => {
    render(<TicketForm sellerFeePercent={5} />);
    fireEvent.change(screen.getByLabelText('Price (USD)'), { target: { value: '12.345' } });
    expect(screen.queryByText(/You will receive/)).toBeNull();
  });

  it('when a listing is edited, then what it pays is there before anything is typed', () => {
    render(<TicketForm ticket={{ id: TICKET.id, title: 'Concert', price: 40 }} sellerFeePercent={7.5} />);
    expect(screen.getByText('You will receive $37.00 after the 7.5% seller fee')).toBeTruthy();
  });

  it('when a pass is put on sale, then the form says what the seller will receive', () => {
    render(<SellPassForm passId="p" cap={resaleCap(50, 'usd', 120)} title="Concert" sellerFeePercent={5} />);
    fireEvent.change(screen.getByLabelText('Price (USD)'), { target: { value: '60' } });
    expect(screen.getByText('You will receive $57.00 after the 5% seller fee')).toBeTruthy();
  });
});

describe('the fee percentages the client reads', () => {
  const saved = { ...process.env };
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    process.env = { ...saved };
    warn.mockRestore();
  });

  it('when BUYER_FEE_PERCENT and SELLER_FEE_PERCENT are unset, then they are the services’ defaults, 10 and 5', () => {
    delete process.env.BUYER_FEE_PERCENT;
    delete process.env.SELLER_FEE_PERCENT;
    expect([buyerFeePercent(), sellerFeePercent()]).toEqual([10, 5]);
  });

  it('when they are set, then they are read as the services read them', () => {
    process.env.BUYER_FEE_PERCENT = '7.5';
    process.env.SELLER_FEE_PERCENT = '0';
    expect([buyerFeePercent(), sellerFeePercent()]).toEqual([7.5, 0]);
  });

  it.each(['51', '-1', 'ten', '2.555'])(
    'when BUYER_FEE_PERCENT is %s, which the services refuse, then the default is shown and a warning names it',
    (value) => {
      process.env.BUYER_FEE_PERCENT = value;
      expect(buyerFeePercent()).toBe(10);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('BUYER_FEE_PERCENT'));
    },
  );
});
