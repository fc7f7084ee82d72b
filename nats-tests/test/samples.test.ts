import { eventDataSchemas, Subjects } from '@ticketing/common';
import { CATALOG_SUBJECTS, subjectMatches } from '../src/catalog';
import { formatAgo, formatBytes, formatDuration, formatTable } from '../src/output';
import { sampleData } from '../src/samples';

describe('sampleData', () => {
  it.each(CATALOG_SUBJECTS)('when asked for a %s sample, then it satisfies the subject schema', (subject) => {
    const result = eventDataSchemas[subject].safeParse(sampleData(subject));
    expect(result.error).toBeUndefined();
  });

  it('when asked twice, then each sample has fresh ids', () => {
    const first = sampleData(Subjects.TicketCreated);
    const second = sampleData(Subjects.TicketCreated);
    expect(first.id).not.toBe(second.id);
    expect(first.userId).not.toBe(second.userId);
  });

  it('when an order.created sample is built, then it expires in the future and prices in whole cents', () => {
    const sample = sampleData(Subjects.OrderCreated);
    expect(Date.parse(sample.expiresAt)).toBeGreaterThan(Date.now());
    expect(Number.isInteger(sample.ticket.price)).toBe(true);
  });
});

describe('subjectMatches', () => {
  it.each([
    ['order.created', 'order.created', true],
    ['order.created', 'order.cancelled', false],
    ['order.*', 'order.cancelled', true],
    ['order.*', 'order.created.extra', false],
    ['*.created', 'ticket.created', true],
    ['ticket.>', 'ticket.created', true],
    ['ticket.>', 'ticket', false],
    ['>', 'payment.created', true],
    ['ticket.created.x', 'ticket.created', false],
  ])('when %s is matched against %s, then the answer is %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('formatting', () => {
  it('when a table is formatted, then its columns line up under the header', () => {
    expect(
      formatTable(
        ['NAME', 'N'],
        [
          ['orders-ticket-created', '1'],
          ['x', '20'],
        ],
      ),
    ).toEqual(['NAME                   N', 'orders-ticket-created  1', 'x                      20']);
  });

  it('when sizes, durations and ages are formatted, then they read like a human wrote them', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(3 * 1024 ** 3)]).toEqual(['512 B', '1.5 KiB', '3.0 GiB']);
    expect([formatDuration(250), formatDuration(120_000), formatDuration(5_430_500)]).toEqual([
      '250ms',
      '2m',
      '1h30m30.5s',
    ]);
    const now = new Date('2030-01-02T00:00:00Z');
    const ago = (ms: number) => formatAgo(new Date(now.getTime() - ms), now);
    expect([ago(3_000), ago(300_000), ago(7_200_000), ago(172_800_000), formatAgo(undefined, now)]).toEqual([
      '3s ago',
      '5m ago',
      '2h ago',
      '2d ago',
      'never',
    ]);
  });
});
