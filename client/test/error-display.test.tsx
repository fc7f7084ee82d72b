import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { AuthForm } from '@/components/auth-form';
import { FieldError, FormAlert } from '@/components/form-errors';
import { TextField } from '@/components/text-field';
import { api } from '@/lib/api-client';
import { toErrorState, UNREACHABLE_MESSAGE } from '@/lib/api-errors';
import { hardNavigate } from '@/lib/navigation';
import { apiError, networkError, ok } from './helpers';

jest.mock('@/lib/navigation', () => ({ ...jest.requireActual('@/lib/navigation'), hardNavigate: jest.fn() }));

describe('toErrorState', () => {
  it('puts errors about the form’s fields under them and everything else in the alert', () => {
    const state = toErrorState(
      apiError(400, [
        { message: 'Email must be valid', code: 'VALIDATION_FAILED', field: 'email' },
        { message: 'Unknown field', code: 'VALIDATION_FAILED', field: 'admin' },
        { message: 'Email in use', code: 'EMAIL_IN_USE' },
      ]),
      ['email', 'password'],
    );
    expect(state).toEqual({ fields: { email: 'Email must be valid' }, form: ['Unknown field', 'Email in use'] });
  });

  it('keeps the first message of a field and drops repeated form messages', () => {
    const state = toErrorState(
      apiError(400, [
        { message: 'first', code: 'VALIDATION_FAILED', field: 'title' },
        { message: 'second', code: 'VALIDATION_FAILED', field: 'title' },
        { message: 'same', code: 'TICKET_RESERVED' },
        { message: 'same', code: 'TICKET_RESERVED' },
      ]),
      ['title'],
    );
    expect(state).toEqual({ fields: { title: 'first' }, form: ['same'] });
  });

  it('explains a network failure and an answer without the errors body', () => {
    expect(toErrorState(networkError())).toEqual({ fields: {}, form: [UNREACHABLE_MESSAGE] });
    const badGateway = apiError(502, []);
    (badGateway.response as { data: unknown }).data = '<html>Bad gateway</html>';
    expect(toErrorState(badGateway).form[0]).toMatch(/unavailable right now/);
    expect(toErrorState(new Error('boom')).form).toEqual([UNREACHABLE_MESSAGE]);
  });
});

describe('FormAlert and FieldError', () => {
  it('keep an empty alert region in the page so a later message is announced', () => {
    const { rerender } = render(<FormAlert messages={[]} />);
    expect(screen.getByRole('alert').textContent).toBe('');
    rerender(<FormAlert messages={['Ticket is reserved']} />);
    expect(screen.getByRole('alert').textContent).toBe('Ticket is reserved');
    rerender(<FormAlert messages={['One', 'Two']} />);
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['One', 'Two']);
  });

  it('link an input to its label, hint and error', () => {
    render(<TextField id="email" name="email" label="Email" hint="We never share it" error="Email must be valid" />);
    const input = screen.getByLabelText('Email');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('email-hint email-error');
    expect(document.getElementById('email-error')?.textContent).toBe('Email must be valid');
    render(<FieldError id="x" />);
    expect(document.getElementById('x')?.textContent).toBe('');
  });
});

describe('AuthForm', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    post = jest.spyOn(api, 'post');
    jest.mocked(hardNavigate).mockClear();
  });
  afterEach(() => post.mockRestore());

  function submit(email: string, password: string, name: string) {
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: password } });
    fireEvent.click(screen.getByRole('button', { name }));
  }

  it('when the password is too short on sign-up, then it says so without calling the API', () => {
    render(<AuthForm mode="signup" />);
    submit('a@b.co', 'seven77', 'Create account');
    expect(document.getElementById('password-error')?.textContent).toBe('Password must be at least 8 characters');
    expect(post).not.toHaveBeenCalled();
  });

  it('when the password has spaces around it, then they count and are sent as typed', async () => {
    post.mockResolvedValue(ok({ id: 'u1', email: 'a@b.co' }, 201));
    render(<AuthForm mode="signup" />);
    submit('a@b.co', '  pass  ', 'Create account');
    await waitFor(() =>
      expect(post).toHaveBeenCalledWith('/api/users/signup', { email: 'a@b.co', password: '  pass  ' }),
    );
  });

  it('when the password is longer than 128 characters, then it says so without calling the API', () => {
    render(<AuthForm mode="signup" />);
    submit('a@b.co', 'x'.repeat(129), 'Create account');
    expect(document.getElementById('password-error')?.textContent).toBe('Password must be at most 128 characters');
    expect(post).not.toHaveBeenCalled();
  });

  it('when the email is in use, then the message is under the email input with a link to sign in instead', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Email in use', code: 'EMAIL_IN_USE', field: 'email' }]));
    render(<AuthForm mode="signup" next="/tickets/new" />);
    submit('taken@example.com', 'secret-pw', 'Create account');
    await waitFor(() =>
      expect(document.getElementById('email-error')?.textContent).toBe('An account with this email already exists'),
    );
    expect(screen.getByRole('alert').textContent).toBe('');
    expect(screen.getByRole('link', { name: 'Sign in instead' }).getAttribute('href')).toBe(
      '/auth/signin?email=taken%40example.com&next=%2Ftickets%2Fnew',
    );
  });

  it('when the credentials are wrong, then the form alert says the email and password do not match', async () => {
    post.mockRejectedValue(apiError(400, [{ message: 'Invalid credentials', code: 'INVALID_CREDENTIALS' }]));
    render(<AuthForm mode="signin" />);
    submit('a@b.co', 'wrong', 'Sign in');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe("That email and password don't match"));
    expect(hardNavigate).not.toHaveBeenCalled();
  });

  it('when sign-in succeeds, then it loads the page it was sent from (never another site)', async () => {
    post.mockResolvedValue(ok({ id: 'u1', email: 'a@b.co' }));
    const { unmount } = render(<AuthForm mode="signin" next="/tickets/new" />);
    submit(' a@b.co ', 'secret', 'Sign in');
    await waitFor(() => expect(hardNavigate).toHaveBeenCalledWith('/tickets/new'));
    expect(post).toHaveBeenCalledWith('/api/users/signin', { email: 'a@b.co', password: 'secret' });
    unmount();

    render(<AuthForm mode="signin" next="//evil.example/" />);
    submit('a@b.co', 'secret', 'Sign in');
    await waitFor(() => expect(hardNavigate).toHaveBeenLastCalledWith('/'));
  });
});
