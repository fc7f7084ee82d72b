import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { EventForm } from '@/components/event-form';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { getSession } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Add an event' };

export default async function NewEventPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/events/new" />;
  if (!session.user) redirect(signInPath('/events/new'));
  return (
    <div className="narrow">
      <h1>Add an event</h1>
      <p className="muted">You become its organizer: sellers list tickets for it, and you check them in at the door.</p>
      <EventForm />
    </div>
  );
}
