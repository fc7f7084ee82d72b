import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ServiceProblem } from '@/components/service-problem';
import { SignOutEverywhere } from '@/components/signout-everywhere';
import { signInPath } from '@/lib/navigation';
import { getSession } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref="/account" />;
  if (!session.user) redirect(signInPath('/account'));

  return (
    <div className="narrow">
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{session.user.email}</strong>.
      </p>
      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Signed-in devices</h2>
        <p>
          Signing out ends this browser&apos;s session only. If you used a device you no longer have, or think someone
          else has your session, sign out everywhere: every browser signed in to your account is signed out within
          seconds, this one included.
        </p>
        <SignOutEverywhere />
      </section>
    </div>
  );
}
