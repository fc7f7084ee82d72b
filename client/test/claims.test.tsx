import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ClaimDecision } from '@/components/claim-decision';
import { ClaimPanel } from '@/components/claim-panel';
import { api } from '@/lib/api-client';
import type { Claim } from '@/lib/types';
import { apiError, ok } from './helpers';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

const ORDER_ID = '7d2f6a3c-1b2e-4c5d-9e8f-0a1b2c3d4e5f';

function aClaim(overrides: Partial<Claim> = {}): Claim {
  return {
    id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
    orderId: ORDER_ID,
    buyerId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
    message: 'Refused at the door',
    status: 'open',
    reason: null,
    resolvedBy: null,
    openedAt: '2030-01-01T12:00:00.000Z',
    resolvedAt: null,
    ...overrides,
  };
}

describe('ClaimPanel', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    jest.clearAllMocks();
    post = jest.spyOn(api, 'post');
  });
  afterEach(() => post.mockRestore());

  const report = (message: string) => {
    render(<ClaimPanel orderId={ORDER_ID} claim={null} windowOpen />);
    fireEvent.click(screen.getByRole('button', { name: 'Report a problem with this ticket' }));
    fireEvent.change(screen.getByLabelText('What went wrong with this ticket?'), { target: { value: message } });
    fireEvent.click(screen.getByRole('button', { name: 'Send report' }));
  };

  it('when the buyer sends a report, then it is posted and its status is shown', async () => {
    post.mockResolvedValue(ok(aClaim(), 201));
    report('Refused at the door');
    await screen.findByText('Under review');
    expect(post).toHaveBeenCalledWith('/api/payments/claims', { orderId: ORDER_ID, message: 'Refused at the door' });
    expect(mockRouter.refresh).toHaveBeenCalled();
  });

  it('when the report comes too late, then the answer is shown', async () => {
    post.mockRejectedValue(apiError(409, [{ message: 'Too late: the seller has been paid', code: 'CLAIM_TOO_LATE' }]));
    report('Broken');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too late: the seller has been paid'));
  });

  it('when the claim was declined, then its status and reason are shown and no form is offered', () => {
    render(
      <ClaimPanel
        orderId={ORDER_ID}
        claim={aClaim({ status: 'declined', reason: 'The pass was admitted at the door' })}
        windowOpen
      />,
    );
    expect(screen.getByText('Declined')).toBeTruthy();
    expect(screen.getByText('The pass was admitted at the door')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Report a problem with this ticket' })).toBeNull();
  });

  it('when the claim window is closed and there is no claim, then nothing is offered', () => {
    const { container } = render(<ClaimPanel orderId={ORDER_ID} claim={null} windowOpen={false} />);
    expect(container.textContent).toBe('');
  });
});

describe('ClaimDecision', () => {
  let post: jest.SpyInstance;
  let confirm: jest.SpyInstance;
  beforeEach(() => {
    jest.clearAllMocks();
    post = jest.spyOn(api, 'post');
    confirm = jest.spyOn(window, 'confirm');
  });
  afterEach(() => {
    post.mockRestore();
    confirm.mockRestore();
  });

  it('when the operator confirms Refund buyer, then the refund decision is posted', async () => {
    confirm.mockReturnValue(true);
    post.mockResolvedValue(ok(aClaim({ status: 'refunded' })));
    render(<ClaimDecision claimId="c1" label="order 7d2f6a3c" />);
    fireEvent.click(screen.getByRole('button', { name: 'Refund buyer for order 7d2f6a3c' }));
    await screen.findByText('Refunded — the buyer gets their money back.');
    expect(post).toHaveBeenCalledWith('/api/payments/claims/c1/resolve', { decision: 'refund' });
  });

  it('when the operator cancels the confirmation, then nothing is posted', () => {
    confirm.mockReturnValue(false);
    render(<ClaimDecision claimId="c1" label="order 7d2f6a3c" />);
    fireEvent.click(screen.getByRole('button', { name: 'Release payout for order 7d2f6a3c' }));
    expect(post).not.toHaveBeenCalled();
  });

  it('when the claim was decided meanwhile, then the answer is shown', async () => {
    confirm.mockReturnValue(true);
    post.mockRejectedValue(apiError(409, [{ message: 'The claim is refunded already', code: 'CLAIM_NOT_OPEN' }]));
    render(<ClaimDecision claimId="c1" label="order 7d2f6a3c" />);
    fireEvent.click(screen.getByRole('button', { name: 'Release payout for order 7d2f6a3c' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The claim is refunded already'));
  });
});
