import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { safeNextPath } from '@/lib/navigation';
import { getSession } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sign in' };

/** auth's longest email (README → auth). */
const MAX_EMAIL_LENGTH = 254;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const { next, email } = await searchParams;
  const nextPath = typeof next === 'string' ? safeNextPath(next) : undefined;
  // Filled in when the visitor comes from "Sign in instead" (their email is taken on sign-up).
  const initialEmail = typeof email === 'string' && email.length <= MAX_EMAIL_LENGTH ? email : undefined;
  const { user } = await getSession();
  if (user) redirect(nextPath ?? '/');
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {nextPath ? <p className="muted">Sign in to continue.</p> : null}
      <AuthForm mode="signin" next={nextPath} initialEmail={initialEmail} />
    </div>
  );
}
