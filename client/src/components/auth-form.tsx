'use client';

import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/api-client';
import { type ErrorState, NO_ERRORS, toErrorState } from '@/lib/api-errors';
import { hardNavigate, safeNextPath } from '@/lib/navigation';
import { FormAlert } from './form-errors';
import { TextField } from './text-field';

type Mode = 'signin' | 'signup';

const FIELDS = ['email', 'password'] as const;

/** auth's rule for new passwords (README → Security). */
const PASSWORD_MIN_LENGTH = 8;
const PASSWORD_MAX_LENGTH = 128;

const COPY: Record<Mode, { submit: string; pending: string; endpoint: string }> = {
  signin: { submit: 'Sign in', pending: 'Signing in…', endpoint: '/api/users/signin' },
  signup: { submit: 'Create account', pending: 'Creating your account…', endpoint: '/api/users/signup' },
};

export function validateCredentials(mode: Mode, email: string, password: string): ErrorState['fields'] {
  const fields: ErrorState['fields'] = {};
  const trimmedEmail = email.trim();
  if (trimmedEmail === '') fields.email = 'Email is required';
  else if (!/^[^\s@]+@[^\s@]+$/.test(trimmedEmail)) fields.email = 'Email must be valid';
  // The password is used exactly as typed, spaces included; its length is counted in characters
  // (code points), as auth counts it.
  const length = [...password].length;
  if (password === '') fields.password = 'Password is required';
  else if (mode === 'signup' && length < PASSWORD_MIN_LENGTH) {
    fields.password = `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  } else if (length > PASSWORD_MAX_LENGTH) {
    fields.password = `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  return fields;
}

/** Sign-in and sign-up: on success a full page load to `next`, so the header shows the new session. */
export function AuthForm({ mode, next }: { mode: Mode; next?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [pending, setPending] = useState(false);
  const copy = COPY[mode];
  const destination = safeNextPath(next);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = validateCredentials(mode, email, password);
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: [] });
      const first = FIELDS.find((name) => fields[name]);
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      await api.post(copy.endpoint, { email: email.trim(), password });
      hardNavigate(destination);
    } catch (error) {
      setErrors(toErrorState(error, FIELDS));
      setPending(false);
    }
  }

  const otherHref = (path: string) => (next ? `${path}?next=${encodeURIComponent(destination)}` : path);

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-busy={pending}>
      <TextField
        id="email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.fields.email}
        required
      />
      <TextField
        id="password"
        name="password"
        type="password"
        label="Password"
        hint={mode === 'signup' ? `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` : undefined}
        autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.fields.password}
        required
      />
      <FormAlert messages={errors.form} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? copy.pending : copy.submit}
        </button>
      </div>
      <p className="form__aside">
        {mode === 'signin' ? (
          <>
            New here? <Link href={otherHref('/auth/signup')}>Create an account</Link>
          </>
        ) : (
          <>
            Already have an account? <Link href={otherHref('/auth/signin')}>Sign in</Link>
          </>
        )}
      </p>
    </form>
  );
}
