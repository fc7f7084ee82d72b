import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { safeNextPath } from '@/lib/navigation';
import { getSession } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sign up' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const { next } = await searchParams;
  const nextPath = typeof next === 'string' ? safeNextPath(next) : undefined;
  const { user } = await getSession();
  if (user) redirect(nextPath ?? '/');
  return (
    <div className="narrow">
      <h1>Create an account</h1>
      <p className="muted">Buy tickets from others, or sell the ones you cannot use.</p>
      <AuthForm mode="signup" next={nextPath} />
    </div>
  );
}
