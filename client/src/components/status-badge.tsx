import type { OrderPhase } from '@/lib/order-phase';
import type { PassStatus, TicketStatus } from '@/lib/types';

const TICKET_LABELS: Record<TicketStatus, string> = {
  available: 'On sale',
  reserved: 'Reserved',
  sold: 'Sold',
  withdrawn: 'Unlisted',
  pending: 'Awaiting the pass lock',
  rejected: 'Rejected',
};

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge--${status}`}>{TICKET_LABELS[status] ?? status}</span>;
}

const ORDER_LABELS: Record<OrderPhase, string> = {
  pending: 'Awaiting payment',
  expired: 'Expired',
  cancelled: 'Cancelled',
  paid: 'Paid',
};

export function OrderPhaseBadge({ phase }: { phase: OrderPhase }) {
  return <span className={`badge badge--order-${phase}`}>{ORDER_LABELS[phase]}</span>;
}

const PASS_LABELS: Record<PassStatus, string> = {
  valid: 'Valid',
  listed: 'Listed for resale',
  admitted: 'Checked in',
  revoked: 'Revoked',
};

export function PassStatusBadge({ status }: { status: PassStatus }) {
  return <span className={`badge badge--pass-${status}`}>{PASS_LABELS[status] ?? status}</span>;
}
