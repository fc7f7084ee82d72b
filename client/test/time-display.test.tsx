import { act, render, screen } from '@testing-library/react';
import { renderToString } from 'react-dom/server';
import { LocalTime } from '@/components/local-time';
import { TimeLeft } from '@/components/time-left';
import { formatDateTime, shortOrderNumber } from '@/lib/format';

describe('LocalTime', () => {
  it('on the server says the time in UTC, in the browser in the reader’s own zone', () => {
    expect(renderToString(<LocalTime iso="2030-01-01T12:04:00.000Z" />)).toContain('Jan 1, 2030, 12:04 PM UTC');
    render(<LocalTime iso="2030-01-01T12:04:00.000Z" />);
    const time = document.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2030-01-01T12:04:00.000Z');
    expect(time?.textContent).toBe(formatDateTime('2030-01-01T12:04:00.000Z'));
  });
});

describe('TimeLeft', () => {
  afterEach(() => jest.useRealTimers());

  it('counts down the time left to pay, then says it ran out', () => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2030-01-01T12:00:00.000Z'));
    render(<TimeLeft expiresAt="2030-01-01T12:01:05.000Z" />);
    expect(screen.getByText('1:05 left to pay')).toBeTruthy();
    act(() => jest.advanceTimersByTime(5_000));
    expect(screen.getByText('1:00 left to pay')).toBeTruthy();
    act(() => jest.advanceTimersByTime(60_000));
    expect(screen.getByText('Time to pay ran out')).toBeTruthy();
  });
});

describe('shortOrderNumber', () => {
  it('is the first 8 characters of the id, upper-case', () => {
    expect(shortOrderNumber('7d2f6a3c-1b2e-4c5d-9e8f-0a1b2c3d4e5f')).toBe('7D2F6A3C');
  });
});
