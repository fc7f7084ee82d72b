'use client';

import { useState } from 'react';
import { api } from '@/lib/api-client';
import { hasErrorCode, toErrorState } from '@/lib/api-errors';
import { hardNavigate, signInPath } from '@/lib/navigation';
import { FormAlert } from './form-errors';

/** Ends every session of the signed-in user (every browser, this one included), then goes home. */
export function SignOutEverywhere() {
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function signOutEverywhere() {
    setErrors([]);
    setBusy(true);
    try {
      await api.post('/api/users/signout-everywhere', {});
      hardNavigate('/');
    } catch (error) {
      // This session had already ended (signed out elsewhere): there is nothing left to end here.
      if (hasErrorCode(error, 'NOT_AUTHORIZED')) {
        hardNavigate(signInPath('/account'));
        return;
      }
      setErrors(toErrorState(error).form);
      setBusy(false);
    }
  }

  return (
    <>
      <FormAlert messages={errors} />
      <button type="button" className="button" onClick={signOutEverywhere} disabled={busy} aria-busy={busy}>
        {busy ? 'Signing out everywhere…' : 'Sign out everywhere'}
      </button>
    </>
  );
}
