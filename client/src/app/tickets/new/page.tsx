import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ServiceProblem } from '@/components/service-problem';
import { TicketForm } from '@/components/ticket-form';
import { signInPath } from '@/lib/navigation';
import { getSession } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sell a ticket' };

export default async function NewTicketPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/tickets/new" />;
  if (!session.user) redirect(signInPath('/tickets/new'));
  return (
    <div className="narrow">
      <h1>Sell a ticket</h1>
      <p className="muted">Buyers reserve it for a short time while they pay; you can edit it until then.</p>
      <TicketForm />
    </div>
  );
}
