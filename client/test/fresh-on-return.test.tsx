import { render } from '@testing-library/react';
import { FreshOnReturn } from '@/components/fresh-on-return';

const mockRouter = { push: jest.fn(), refresh: jest.fn(), replace: jest.fn(), back: jest.fn(), prefetch: jest.fn() };
jest.mock('next/navigation', () => ({ useRouter: () => mockRouter }));

describe('FreshOnReturn', () => {
  beforeEach(() => jest.clearAllMocks());

  it('when a render is shown for the first time, then nothing is refreshed', () => {
    render(<FreshOnReturn renderId="first-visit" />);
    expect(mockRouter.refresh).not.toHaveBeenCalled();
  });

  it('when the same render comes back (Back restored it from the router cache), then the page is refreshed', () => {
    render(<FreshOnReturn renderId="restored" />).unmount();
    render(<FreshOnReturn renderId="restored" />);
    expect(mockRouter.refresh).toHaveBeenCalledTimes(1);
  });

  it('when the server renders the page again (a new id), then that render is not refreshed', () => {
    render(<FreshOnReturn renderId="before-refresh" />).unmount();
    render(<FreshOnReturn renderId="after-refresh" />);
    expect(mockRouter.refresh).not.toHaveBeenCalled();
  });
});
