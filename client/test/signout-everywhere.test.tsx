import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SignOutEverywhere } from '@/components/signout-everywhere';
import { api } from '@/lib/api-client';
import { UNREACHABLE_MESSAGE } from '@/lib/api-errors';
import { hardNavigate } from '@/lib/navigation';
import { apiError, networkError, ok } from './helpers';

jest.mock('@/lib/navigation', () => ({ ...jest.requireActual('@/lib/navigation'), hardNavigate: jest.fn() }));

describe('SignOutEverywhere', () => {
  let post: jest.SpyInstance;
  beforeEach(() => {
    post = jest.spyOn(api, 'post');
    jest.mocked(hardNavigate).mockClear();
  });
  afterEach(() => post.mockRestore());

  const press = () => fireEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }));

  it('when pressed, then it ends every session and goes home with a full page load', async () => {
    post.mockResolvedValue(ok({}));
    render(<SignOutEverywhere />);

    press();

    await waitFor(() => expect(hardNavigate).toHaveBeenCalledWith('/'));
    expect(post).toHaveBeenCalledWith('/api/users/signout-everywhere', {});
  });

  it('when the server cannot be reached, then it says so, stays on the page and can be pressed again', async () => {
    post.mockRejectedValue(networkError());
    render(<SignOutEverywhere />);

    press();

    await screen.findByText(UNREACHABLE_MESSAGE);
    expect(hardNavigate).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Sign out everywhere' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('when this session had already ended, then it goes to the sign-in page', async () => {
    post.mockRejectedValue(apiError(401, [{ message: 'Not authorized', code: 'NOT_AUTHORIZED' }]));
    render(<SignOutEverywhere />);

    press();

    await waitFor(() => expect(hardNavigate).toHaveBeenCalledWith('/auth/signin?next=%2Faccount'));
  });
});
