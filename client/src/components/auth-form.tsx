'use client';

import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/api-client';
import { type ErrorState, hasErrorCode, NO_ERRORS, toErrorState } from '@/lib/api-errors';
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

/** What the form says for auth's answers that a person can act on (README → Error codes). */
export const WRONG_CREDENTIALS_MESSAGE = "That email and password don't match";
export const EMAIL_IN_USE_MESSAGE = 'An account with this email already exists';

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

/** The sign-in page with the email filled in, coming back to `next` afterwards when there is one. */
export function signInInsteadHref(email: string, next?: string): string {
  const query = new URLSearchParams({ email: email.trim() });
  if (next) query.set('next', next);
  return `/auth/signin?${query}`;
}

/**
 * Sign-in and sign-up: on success a full page load to `next`, so the header shows the new session.
 * `initialEmail` fills the email in (the sign-in page offered after "email in use").
 */
export function AuthForm({ mode, next, initialEmail = '' }: { mode: Mode; next?: string; initialEmail?: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [errors, setErrors] = useState<ErrorState>(NO_ERRORS);
  const [emailInUse, setEmailInUse] = useState(false);
  const [pending, setPending] = useState(false);
  const copy = COPY[mode];
  const destination = safeNextPath(next);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setEmailInUse(false);
    const fields = validateCredentials(mode, email, password);
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: [] });
      const first = FIELDS.find((name) => fields[name]);
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    // Password managers offer to save what was typed into a password input, not a text one.
    setShowPassword(false);
    try {
      await api.post(copy.endpoint, { email: email.trim(), password });
      hardNavigate(destination);
    } catch (error) {
      if (hasErrorCode(error, 'INVALID_CREDENTIALS')) {
        setErrors({ fields: {}, form: [WRONG_CREDENTIALS_MESSAGE] });
      } else if (hasErrorCode(error, 'EMAIL_IN_USE')) {
        setErrors({ fields: { email: EMAIL_IN_USE_MESSAGE }, form: [] });
        setEmailInUse(true);
      } else {
        setErrors(toErrorState(error, FIELDS));
      }
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
      {emailInUse ? (
        <p className="field-followup">
          <Link href={signInInsteadHref(email, next ? destination : undefined)}>Sign in instead</Link>
        </p>
      ) : null}
      <TextField
        id="password"
        name="password"
        type={showPassword ? 'text' : 'password'}
        label="Password"
        hint={mode === 'signup' ? `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` : undefined}
        autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
        spellCheck={false}
        autoCapitalize="none"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.fields.password}
        required
        action={
          <button
            type="button"
            className="button button--secondary password-toggle"
            aria-controls="password"
            aria-pressed={showPassword}
            onClick={() => setShowPassword((shown) => !shown)}
          >
            {showPassword ? 'Hide password' : 'Show password'}
          </button>
        }
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
