import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { CheckIn } from '@/components/check-in';
import { LocalTime } from '@/components/local-time';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import type { CatalogEvent } from '@/lib/types';

type Params = Promise<{ eventId: string }>;

export const metadata: Metadata = { title: 'Check-in' };

/** The organizer's door: scans and pasted codes, online or offline (see CheckIn). */
export default async function CheckInPage({ params }: { params: Params }) {
  const { eventId } = await params;
  const path = `/events/${eventId}/check-in`;
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));

  const result = await apiGet<CatalogEvent>(`/api/events/${encodeURIComponent(eventId)}`);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Events" retryHref={path} />;
  if (!result.ok) notFound();
  const event = result.data;
  if (event.organizerId !== session.user.id) {
    return (
      <div className="narrow notice notice--problem">
        <h1>Only the organizer checks tickets in</h1>
        <p>
          Check-in for {event.name} is open to the account that added it to the catalog.{' '}
          <Link href={`/events/${event.id}`}>Back to the event</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Check-in: {event.name}</h1>
      <p className="muted">
        <LocalTime iso={event.startsAt} /> · {event.venue}, {event.city}
      </p>
      <CheckIn eventId={event.id} />
    </div>
  );
}
