import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ServiceProblem } from '@/components/service-problem';
import { TicketForm } from '@/components/ticket-form';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import { sellerFeePercent } from '@/lib/server-config';
import type { CatalogEvent } from '@/lib/types';

export const metadata: Metadata = { title: 'Sell a ticket' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sell a ticket; `?eventId=` lists it for that catalog event (with its face value and seat). */
export default async function NewTicketPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).eventId;
  const eventId = typeof raw === 'string' && UUID.test(raw) ? raw : undefined;
  const path = eventId ? `/tickets/new?eventId=${eventId}` : '/tickets/new';
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));
  const event = eventId ? await apiGet<CatalogEvent>(`/api/events/${eventId}`) : undefined;
  return (
    <div className="narrow">
      <h1>Sell a ticket</h1>
      <p className="muted">Buyers reserve it for a short time while they pay; you can edit it until then.</p>
      {event && !event.ok ? (
        <p className="notice notice--problem" role="alert">
          That event could not be found: the ticket will be listed on its own.
        </p>
      ) : null}
      <TicketForm
        event={event?.ok ? { id: event.data.id, name: event.data.name } : undefined}
        sellerFeePercent={sellerFeePercent()}
      />
    </div>
  );
}
