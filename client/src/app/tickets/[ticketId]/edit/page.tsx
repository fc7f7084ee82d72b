import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { ServiceProblem } from '@/components/service-problem';
import { TicketStatusBadge } from '@/components/status-badge';
import { TicketForm } from '@/components/ticket-form';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import { sellerFeePercent } from '@/lib/server-config';
import type { Ticket, TicketStatus } from '@/lib/types';

type Params = Promise<{ ticketId: string }>;

/** Once per request: the title (generateMetadata) and the page both need the ticket. */
const loadTicket = cache(async (ticketId: string) => apiGet<Ticket>(`/api/tickets/${encodeURIComponent(ticketId)}`));

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const result = await loadTicket((await params).ticketId);
  // Missing (or not an id): the page is the not-found page, and so is its title.
  if (!result.ok && !result.unreachable) notFound();
  return { title: 'Edit ticket' };
}

const LOCKED: Partial<Record<TicketStatus, string>> = {
  reserved:
    'A buyer has reserved this ticket and is paying for it, so it cannot be edited now. If the reservation expires, you can edit it again.',
  sold: 'This ticket has been sold, so it can no longer be edited.',
  pending: 'This resale listing is waiting for your pass to be locked; you can edit it once it is on sale.',
  rejected: 'This resale listing was refused, so it can no longer be edited.',
};

export default async function EditTicketPage({ params }: { params: Params }) {
  const { ticketId } = await params;
  const path = `/tickets/${ticketId}/edit`;
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));

  const result = await loadTicket(ticketId);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Tickets" retryHref={path} />;
  if (!result.ok) notFound();
  const ticket = result.data;

  if (ticket.userId !== session.user.id) {
    return (
      <div className="narrow notice notice--problem">
        <h1>You cannot edit this ticket</h1>
        <p>Only the seller of a ticket can edit it.</p>
        <p>
          <Link href={`/tickets/${ticket.id}`}>Back to the ticket</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="narrow">
      <div className="page-head">
        <h1>Edit ticket</h1>
        <TicketStatusBadge status={ticket.status} />
      </div>
      <TicketForm ticket={ticket} disabledReason={LOCKED[ticket.status]} sellerFeePercent={sellerFeePercent()} />
      <p>
        <Link href={`/tickets/${ticket.id}`}>← Back to the ticket</Link>
      </p>
    </div>
  );
}
