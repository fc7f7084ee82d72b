import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { safeNextPath } from '@/lib/navigation';
import { getSession } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sign in' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const { next } = await searchParams;
  const nextPath = typeof next === 'string' ? safeNextPath(next) : undefined;
  const { user } = await getSession();
  if (user) redirect(nextPath ?? '/');
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {nextPath ? <p className="muted">Sign in to continue.</p> : null}
      <AuthForm mode="signin" next={nextPath} />
    </div>
  );
}
