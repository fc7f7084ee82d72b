import { nextPageHref, previousPageHref, readTrail } from '@/lib/cursor-trail';

describe('cursor trail', () => {
  it('walks forward and back through pages, keeping the search', () => {
    const first = readTrail('/', {}, { q: 'jazz' });
    expect(previousPageHref(first)).toBeNull();
    const second = nextPageHref(first, 'c1');
    expect(second).toBe('/?q=jazz&cursor=c1');

    const onSecond = readTrail('/', { q: 'jazz', cursor: 'c1' }, { q: 'jazz' });
    expect(previousPageHref(onSecond)).toBe('/?q=jazz');
    expect(nextPageHref(onSecond, 'c2')).toBe('/?q=jazz&cursor=c2&back=c1');

    const onThird = readTrail('/', { cursor: 'c2', back: 'c1' }, {});
    expect(previousPageHref(onThird)).toBe('/?cursor=c1');
    expect(nextPageHref(onThird, 'c3')).toBe('/?cursor=c3&back=c1.c2');
  });

  it('ignores cursors the API could not have issued', () => {
    const trail = readTrail('/', { cursor: 'not a cursor', back: 'ok.<script>' }, {});
    expect(trail.cursor).toBeUndefined();
    expect(trail.back).toEqual([]);
  });
});
