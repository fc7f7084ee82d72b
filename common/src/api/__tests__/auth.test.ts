import type { Request, Response } from 'express';
import { body, validationResult } from 'express-validator';
import { type ErrorItem, RequestValidationError } from '../../errors';
import { inputOf, validate } from '../../http/validate';
import { authOperations } from '../auth';
import type { ApiOperation } from '../operation';

const { signUp, signIn } = authOperations;

/** What `validate(operation)` makes of a body: the parsed input, or the error items of the 400. */
function check(operation: ApiOperation, input: unknown): { body?: unknown; errors?: ErrorItem[] } {
  const req = { body: input, params: {}, query: {} } as unknown as Request;
  try {
    validate(operation)(req, {} as Response, () => undefined);
    return { body: inputOf(req, operation).body };
  } catch (error) {
    if (error instanceof RequestValidationError) return { errors: error.serialize() };
    throw error;
  }
}

const emailOf = (email: unknown) => check(signUp, { email, password: 'secret-pw' });

/** The earlier rule: validator's isEmail with its defaults, through express-validator. */
async function validatorAccepts(email: string): Promise<boolean> {
  const req = { body: { email } };
  await body('email').isEmail().run(req);
  return validationResult(req).isEmpty();
}

describe("auth's request schemas", () => {
  it('when an email has spaces around it and capitals, then it is trimmed and lower-cased', () => {
    expect(emailOf('  Mixed.Case@Test.DEV ').body).toEqual({ email: 'mixed.case@test.dev', password: 'secret-pw' });
  });

  it.each([
    "o'hara@test.dev",
    'first.last+tag@sub.test.dev',
    'a!#$%&*/=?^`{|}~-@test.dev',
    'a@xn--bcher-kva.example',
    'a@test.xn--p1ai',
    `${'a'.repeat(64)}@test.dev`,
    `a@${'b'.repeat(63)}.dev`,
  ])('when the email is %s, then it is accepted, as validator’s isEmail accepts it', async (email) => {
    expect(emailOf(email).errors).toBeUndefined();
    expect(await validatorAccepts(email)).toBe(true);
  });

  it.each([
    ['not an address', 'not-an-email'],
    ['no top-level domain', 'a@test'],
    ['a one-letter top-level domain', 'a@test.d'],
    ['a numeric top-level domain', 'a@test.123'],
    ['two dots in a row', 'a..b@test.dev'],
    ['a leading dot', '.a@test.dev'],
    ['a trailing dot before the @', 'a.@test.dev'],
    ['a label ending with a hyphen', 'a@test-.dev'],
    ['an underscore in the host', 'a@te_st.dev'],
    ['a trailing dot', 'a@test.dev.'],
    ['an IP address as host', 'a@[192.0.2.1]'],
    ['a local part of 65 characters', `${'a'.repeat(65)}@test.dev`],
    ['a label of 64 characters', `a@${'b'.repeat(64)}.dev`],
    ['a display name', 'Buyer <a@test.dev>'],
    ['a space inside', 'a b@test.dev'],
    ['a lone high surrogate', 'a\ud800@test.dev'],
    ['a lone low surrogate', '\udc00a@test.dev'],
    ['non-ASCII letters (which the earlier rule took)', 'ü@test.dev'],
    ['a quoted local part (which the earlier rule took)', '"a b"@test.dev'],
  ])('when the email has %s, then it is refused as not valid', (_case, email) => {
    expect(emailOf(email).errors).toEqual([
      { message: 'Email must be valid', code: 'VALIDATION_FAILED', field: 'email' },
    ]);
  });

  it('when an address is accepted, then the earlier rule (validator’s isEmail) accepted it too: never less strict', async () => {
    const candidates = [
      'a@b.co',
      'a-b@c-d.ef',
      'a@b--c.de',
      'a@test.xnab',
      'a@test.xn--a-',
      'a@test.xn--',
      '-@test.dev',
      'a@-test.dev',
      'a@test.d3v',
      'a@@test.dev',
      'a@test..dev',
      `a@test.${'d'.repeat(63)}`,
      `a@test.${'d'.repeat(64)}`,
      `${'a'.repeat(60)}@${'b.'.repeat(95)}dev`,
    ];
    for (const email of candidates) {
      if (emailOf(email).errors === undefined)
        expect({ email, validator: await validatorAccepts(email) }).toEqual({ email, validator: true });
    }
  });

  it('when a sign-in gives an address sign-up now refuses but the earlier rule took, then it is accepted (its owner can still sign in)', () => {
    for (const email of ['ü@test.dev', '"a b"@test.dev', 'A@Test.рф ']) {
      expect(check(signIn, { email, password: 'secret-pw' }).body).toEqual({
        email: email.trim().toLowerCase(),
        password: 'secret-pw',
      });
    }
    for (const email of ['no-at-sign', 'a@b@c', '@test.dev', 'a\ud800@test.dev', 'a\u0000@test.dev']) {
      expect(check(signIn, { email, password: 'secret-pw' }).errors).toEqual([
        { message: 'Email must be valid', code: 'VALIDATION_FAILED', field: 'email' },
      ]);
    }
  });

  it('when a valid address is over 254 characters, then the answer says so', () => {
    const email = `a@${'bbbbbbbbb.'.repeat(25)}dev`;
    expect(email.length).toBe(255);
    expect(emailOf(email).errors).toEqual([
      { message: 'Email must be at most 254 characters', code: 'VALIDATION_FAILED', field: 'email' },
    ]);
  });

  it('when fields are missing or not strings, then each is named once, email first', () => {
    expect(check(signUp, {}).errors).toEqual([
      { message: 'Email must be a string', code: 'VALIDATION_FAILED', field: 'email' },
      { message: 'Password must be a string', code: 'VALIDATION_FAILED', field: 'password' },
    ]);
    expect(check(signIn, { email: 12345, password: { $ne: '' } }).errors).toEqual([
      { message: 'Email must be a string', code: 'VALIDATION_FAILED', field: 'email' },
      { message: 'Password must be a string', code: 'VALIDATION_FAILED', field: 'password' },
    ]);
  });

  it('when a new password is counted, then code points count, not UTF-16 units, and spaces are kept', () => {
    expect(check(signUp, { email: 'a@test.dev', password: '🎫'.repeat(8) }).body).toMatchObject({
      password: '🎫'.repeat(8),
    });
    expect(check(signUp, { email: 'a@test.dev', password: '  abcd  ' }).body).toMatchObject({ password: '  abcd  ' });
    expect(check(signUp, { email: 'a@test.dev', password: '🎫'.repeat(7) }).errors).toEqual([
      { message: 'Password must be at least 8 characters', code: 'PASSWORD_TOO_SHORT', field: 'password' },
    ]);
    expect(check(signUp, { email: 'a@test.dev', password: '🎫'.repeat(129) }).errors).toEqual([
      { message: 'Password must be at most 128 characters', code: 'PASSWORD_TOO_LONG', field: 'password' },
    ]);
  });

  it('when a sign-in password is empty or over 128 characters, then it is refused; a short one is not', () => {
    expect(check(signIn, { email: 'a@test.dev', password: '' }).errors).toEqual([
      { message: 'You must supply a password', code: 'VALIDATION_FAILED', field: 'password' },
    ]);
    expect(check(signIn, { email: 'a@test.dev', password: 'x'.repeat(129) }).errors).toEqual([
      { message: 'Password must be at most 128 characters', code: 'PASSWORD_TOO_LONG', field: 'password' },
    ]);
    expect(check(signIn, { email: 'a@test.dev', password: ' ' }).body).toEqual({ email: 'a@test.dev', password: ' ' });
  });
});
