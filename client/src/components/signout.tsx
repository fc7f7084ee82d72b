'use client';

import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { api } from '@/lib/api-client';
import { toErrorState } from '@/lib/api-errors';
import { hardNavigate } from '@/lib/navigation';
import { FormAlert } from './form-errors';

/** Signs out on arrival (a POST, so link prefetching can never sign anyone out), then goes home. */
export function SignOut() {
  const [errors, setErrors] = useState<string[]>([]);
  const started = useRef(false);

  async function signOut() {
    setErrors([]);
    try {
      await api.post('/api/users/signout', {});
      hardNavigate('/');
    } catch (error) {
      setErrors(toErrorState(error).form);
    }
  }

  const start = useEffectEvent(() => void signOut());
  useEffect(() => {
    // Strict Mode runs effects twice in development; one sign-out is enough.
    if (started.current) return;
    started.current = true;
    start();
  }, []);

  return (
    <div className="card">
      <p aria-live="polite">{errors.length === 0 ? 'Signing you out…' : 'Signing out did not work.'}</p>
      <FormAlert messages={errors} />
      {errors.length > 0 ? (
        <button type="button" className="button" onClick={signOut}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
