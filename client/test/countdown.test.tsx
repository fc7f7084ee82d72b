import { act, render, screen } from '@testing-library/react';
import { Countdown, secondsUntil } from '@/components/countdown';
import { formatDuration } from '@/lib/format';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

describe('Countdown', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(NOW);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('when an order was just created, then it shows the time left as minutes and seconds', () => {
    render(<Countdown expiresAt={new Date(NOW.getTime() + 15 * 60 * 1000 - 300).toISOString()} />);
    expect(screen.getByRole('timer').textContent).toBe('Expires in 14:59');
  });

  it('when seconds pass, then it ticks down once a second', () => {
    render(<Countdown expiresAt={inSeconds(125)} />);
    expect(screen.getByRole('timer').textContent).toBe('Expires in 2:05');
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').textContent).toBe('Expires in 2:04');
    act(() => jest.advanceTimersByTime(5000));
    expect(screen.getByRole('timer').textContent).toBe('Expires in 1:59');
  });

  it('when less than 2 minutes are left, then it turns urgent and says so once in a live region', () => {
    const { container } = render(<Countdown expiresAt={inSeconds(121)} />);
    const warning = () => container.querySelector('[aria-live="polite"]');
    expect(warning()?.textContent).toBe('');
    expect(screen.getByRole('timer').className).not.toContain('countdown--urgent');
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').className).not.toContain('countdown--urgent');
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').textContent).toBe('Expires in 1:59');
    expect(screen.getByRole('timer').className).toContain('countdown--urgent');
    expect(warning()?.textContent).toBe('Less than 2 minutes left: pay now to keep the ticket.');
    // The text stays the same while the seconds tick, so it is announced once.
    act(() => jest.advanceTimersByTime(30_000));
    expect(warning()?.textContent).toBe('Less than 2 minutes left: pay now to keep the ticket.');
  });

  it('when the time runs out, then it says expired and calls back exactly once', () => {
    const onExpire = jest.fn();
    render(<Countdown expiresAt={inSeconds(3)} onExpire={onExpire} />);
    act(() => jest.advanceTimersByTime(2000));
    expect(screen.getByRole('timer').textContent).toBe('Expires in 0:01');
    expect(onExpire).not.toHaveBeenCalled();

    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').textContent).toBe('Expired');
    expect(onExpire).toHaveBeenCalledTimes(1);

    act(() => jest.advanceTimersByTime(60_000));
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('when less than a second is left, then it is not expired yet: the order can still be paid', () => {
    const onExpire = jest.fn();
    render(<Countdown expiresAt={inSeconds(1.5)} onExpire={onExpire} />);
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').textContent).toBe('Expires in 0:00');
    expect(onExpire).not.toHaveBeenCalled();

    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').textContent).toBe('Expired');
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('when the deadline has already passed, then it is expired at once', () => {
    const onExpire = jest.fn();
    render(<Countdown expiresAt={inSeconds(-30)} onExpire={onExpire} />);
    expect(screen.getByRole('timer').textContent).toBe('Expired');
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('when it is unmounted, then its timer stops', () => {
    const { unmount } = render(<Countdown expiresAt={inSeconds(600)} />);
    expect(jest.getTimerCount()).toBe(1);
    unmount();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('secondsUntil and formatDuration', () => {
  it('never go below zero and show hours past an hour', () => {
    expect(secondsUntil(1000, 5000)).toBe(0);
    expect(secondsUntil(Number.NaN, 0)).toBe(0);
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59)).toBe('0:59');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});
