import type { Metadata } from 'next';
import { SignOut } from '@/components/signout';

export const metadata: Metadata = { title: 'Sign out' };

export default function SignOutPage() {
  return (
    <div className="narrow">
      <h1>Sign out</h1>
      <SignOut />
    </div>
  );
}
