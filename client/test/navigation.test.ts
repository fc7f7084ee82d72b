import { safeNextPath } from '@/lib/navigation';

describe('safeNextPath', () => {
  it.each(['/tickets/6f1c0c51-5a43-4a6e-9e36-8a0f2c1d0b77', '/orders?page=2', '/tickets/abc#pay'])(
    'when next is a path on this site (%s), then it is kept',
    (path) => {
      expect(safeNextPath(path)).toBe(path);
    },
  );

  it.each([
    ['a tab after the first slash (/%09/evil.example)', '/\t/evil.example'],
    ['a newline', '/\n/evil.example'],
    ['a protocol-relative URL', '//evil.example'],
    ['a backslash', '/\\evil.example'],
    ['a backslash after the slash, encoded slash', '/\\/evil.example'],
    ['an absolute URL', 'https://evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'evil.example'],
    ['an empty string', ''],
    ['a DEL character', '/\u007f/evil.example'],
  ])('when next is %s, then the fallback is used', (_, next) => {
    expect(safeNextPath(next)).toBe('/');
  });

  it('when next is not a string, then the fallback is used', () => {
    expect(safeNextPath(['/a', '/b'], '/home')).toBe('/home');
    expect(safeNextPath(undefined)).toBe('/');
  });
});
