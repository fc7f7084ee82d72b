import { z } from 'zod';
import { uuid } from './fields';
import { defineOperation, type ServiceApi } from './operation';

/** Passwords are 8 to 128 characters (code points: an emoji is one), counted and used exactly as typed. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** The longest address SMTP can carry (RFC 5321's path limit less its angle brackets). */
export const EMAIL_MAX_LENGTH = 254;

const EMAIL_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const TOP_LEVEL_DOMAIN = '(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{0,58}[A-Za-z0-9])';

/**
 * The addresses auth accepts: the ASCII part of what validator's `isEmail` (the earlier rule)
 * accepts — dot-separated atoms of at most 64 characters before the `@`, then a host name of
 * labels of at most 63 characters with a top-level domain of letters (or `xn--` punycode). No
 * quoted local parts, IP hosts or non-ASCII characters, so a lone surrogate is refused too.
 */
export const EMAIL_PATTERN = new RegExp(
  `^(?=[^@]{1,64}@)${EMAIL_ATOM}(?:\\.${EMAIL_ATOM})*@(?:${DOMAIN_LABEL}\\.)+${TOP_LEVEL_DOMAIN}$`,
);

/** Code points, not UTF-16 units: an emoji counts as one character. */
const characters = (text: string) => [...text].length;

/** An email address as typed: trimmed, then checked, then lower-cased (how auth stores and finds it). */
const emailField = z
  .string({ error: 'Email must be a string' })
  .trim()
  .check(z.email({ pattern: EMAIL_PATTERN, error: 'Email must be valid' }))
  .max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
  .toLowerCase()
  .meta({
    description: 'Surrounding spaces are trimmed and capitals lowered: `Buyer@Example.com ` is `buyer@example.com`.',
  });

// A surrogate without its partner is not text; C0 controls and DEL have no place in an address.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isText = (value: string) =>
  !LONE_SURROGATE.test(value) && [...value].every((char) => char.charCodeAt(0) >= 0x20 && char !== '\u007f');

/**
 * The email of a sign-in: any address with something either side of an `@`, trimmed and
 * lower-cased. Looser than sign-up's rule on purpose: accounts made under the earlier rule
 * (validator's `isEmail`) may have addresses sign-up now refuses (`ü@test.dev`, `"a b"@test.dev`),
 * and their owners must still sign in; an unknown address is `INVALID_CREDENTIALS` anyway.
 */
const signInEmailField = z
  .string({ error: 'Email must be a string' })
  .trim()
  .refine((email) => /^[^@]+@[^@]+$/.test(email) && isText(email), 'Email must be valid')
  .refine((email) => email.length <= EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
  .transform((email) => email.toLowerCase())
  .meta({ description: 'Trimmed and lower-cased, as at sign-up.' });

const passwordTooLong = {
  message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  params: { code: 'PASSWORD_TOO_LONG' },
};

/** A new password: as typed (never trimmed), 8 to 128 characters. */
const newPasswordField = z
  .string({ error: 'Password must be a string' })
  .refine((password) => characters(password) >= PASSWORD_MIN_LENGTH, {
    message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters`,
    params: { code: 'PASSWORD_TOO_SHORT' },
    abort: true,
  })
  .refine((password) => characters(password) <= PASSWORD_MAX_LENGTH, passwordTooLong)
  .meta({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description:
      'Used exactly as typed, spaces included (never trimmed); its length counts characters (code points). `PASSWORD_TOO_SHORT` or `PASSWORD_TOO_LONG` otherwise.',
  });

/**
 * The password of a sign-in: any, as typed, up to the maximum (accounts made under the earlier
 * 4–20 rule have shorter ones). A longer one cannot match, so it is refused before any hashing.
 */
const signInPasswordField = z
  .string({ error: 'Password must be a string' })
  .min(1, 'You must supply a password')
  .refine((password) => characters(password) <= PASSWORD_MAX_LENGTH, passwordTooLong)
  .meta({
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'As typed, spaces included. Over 128 characters is `PASSWORD_TOO_LONG`: no account can have it.',
  });

const credentialsExample = { email: 'buyer@example.com', password: 'correct horse battery' };

/** A user as the API shows it: never the password or its hash. */
export const userJson = z
  .object({
    id: uuid(),
    email: z.string().meta({ description: 'As stored: trimmed and lower-cased at sign-up.' }),
  })
  .meta({ examples: [{ id: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23', email: 'buyer@example.com' }] });

export type UserJson = z.infer<typeof userJson>;

/** The answer of `GET /api/users/currentuser`. */
export const currentUserJson = z
  .object({
    currentUser: userJson.nullable().meta({
      description: "The signed-in user while the session cookie's session is active; `null` otherwise.",
    }),
  })
  .meta({
    examples: [
      { currentUser: { id: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23', email: 'buyer@example.com' } },
      { currentUser: null },
    ],
  });

export type CurrentUserJson = z.infer<typeof currentUserJson>;

/** The empty object the sign-outs answer with. */
const emptyJson = z.object({}).meta({ examples: [{}] });

const SESSION_COOKIE =
  'Sets the `session` cookie (HttpOnly, SameSite=Lax, Secure in production) holding the signed session JWT; it lasts `JWT_TTL_SECONDS`.';
const CLEARED_COOKIE = 'Clears the `session` cookie (expired, empty).';
const RATE_LIMIT_HEADERS = {
  RateLimit: 'The budget left in the current window of the rate limit (IETF draft 8).',
  'RateLimit-Policy': 'The rate limit: requests allowed per window (IETF draft 8).',
};

const signUp = defineOperation({
  operationId: 'signUp',
  method: 'post',
  path: '/api/users/signup',
  summary: 'Create an account and sign in',
  description:
    'Creates the account and opens a session. An email differing from a taken one only in case is taken (`EMAIL_IN_USE`). At most `RATE_LIMIT_SIGNUP` sign-ups per address in 15 minutes, counted before validation: then 429 `RATE_LIMITED` with `Retry-After`.',
  auth: 'none',
  body: z.object({ email: emailField, password: newPasswordField }).meta({ examples: [credentialsExample] }),
  responses: {
    201: {
      description: 'The new user, signed in.',
      body: userJson,
      headers: { 'Set-Cookie': SESSION_COOKIE, ...RATE_LIMIT_HEADERS },
    },
  },
  errors: { 400: ['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG', 'EMAIL_IN_USE'], 429: ['RATE_LIMITED'] },
});

const signIn = defineOperation({
  operationId: 'signIn',
  method: 'post',
  path: '/api/users/signin',
  summary: 'Sign in',
  description:
    'Opens a session. A wrong password and an unknown email answer the same `INVALID_CREDENTIALS`, in the same time. Rate limits over 15 minutes, counted before validation: attempts per address (`RATE_LIMIT_SIGNIN_IP`), failed attempts per address (`RATE_LIMIT_SIGNIN`) and per account (`RATE_LIMIT_SIGNIN_ACCOUNT`); then 429 `RATE_LIMITED` with `Retry-After`.',
  auth: 'none',
  body: z.object({ email: signInEmailField, password: signInPasswordField }).meta({ examples: [credentialsExample] }),
  responses: {
    200: {
      description: 'The user, signed in.',
      body: userJson,
      headers: { 'Set-Cookie': SESSION_COOKIE, ...RATE_LIMIT_HEADERS },
    },
  },
  errors: { 400: ['PASSWORD_TOO_LONG', 'INVALID_CREDENTIALS'], 429: ['RATE_LIMITED'] },
});

const signOut = defineOperation({
  operationId: 'signOut',
  method: 'post',
  path: '/api/users/signout',
  summary: 'Sign out',
  description:
    "Revokes the cookie's session (announced as `session.revoked`), so a copy of the cookie no longer signs in. Signed out already, it changes nothing and answers the same.",
  auth: 'optional',
  responses: { 200: { description: 'Signed out.', body: emptyJson, headers: { 'Set-Cookie': CLEARED_COOKIE } } },
  errors: {},
});

const signOutEverywhere = defineOperation({
  operationId: 'signOutEverywhere',
  method: 'post',
  path: '/api/users/signout-everywhere',
  summary: 'Sign out of every session',
  description:
    'Revokes every session of the signed-in user, this one included (announced as `session.revoked-all`). 401 `NOT_AUTHORIZED` when not signed in or when this session has ended already.',
  auth: 'required',
  responses: {
    200: { description: 'Every session ended.', body: emptyJson, headers: { 'Set-Cookie': CLEARED_COOKIE } },
  },
  errors: {},
});

const showCurrentUser = defineOperation({
  operationId: 'showCurrentUser',
  method: 'get',
  path: '/api/users/currentuser',
  summary: 'Who is signed in',
  description:
    'An expired, forged or revoked session cookie, or none, answers `{ "currentUser": null }`, never an error.',
  auth: 'optional',
  responses: { 200: { description: 'The signed-in user, or `null`.', body: currentUserJson } },
  errors: {},
});

/** The auth service's operations, by name. */
export const authOperations = { signUp, signIn, signOut, signOutEverywhere, showCurrentUser };

export const authApi: ServiceApi = {
  service: 'auth',
  title: 'Ticketing auth API',
  description:
    'Accounts and sessions: sign up, sign in, sign out (here or everywhere) and the current user. The session is a cookie holding a signed JWT.',
  prefix: '/api/users',
  operations: Object.values(authOperations),
};
