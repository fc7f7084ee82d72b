import { errorCodesOf, expressPath, SERVICE_APIS } from '@ticketing/common';
import {
  codesInSources,
  documentedCodes,
  ERROR_CODE_SOURCES,
  endpointCodes,
  errorCodeProblems,
  type SourceFile,
} from './lib/error-codes';
import { listRepoFiles, readRepoFile } from './lib/repo';

const sources = (): SourceFile[] =>
  ERROR_CODE_SOURCES.flatMap(listRepoFiles).map((path) => ({ path, text: readRepoFile(path) }));
const readme = () => readRepoFile('README.md');

describe('error codes', () => {
  it('every code the services can answer is in the README, and every code the README lists is answered', () => {
    expect(errorCodeProblems(sources(), readme())).toEqual([]);
  });

  it('every operation of an OpenAPI document answers exactly the codes its README row lists', () => {
    const { section } = documentedCodes(readme());
    for (const api of SERVICE_APIS) {
      for (const operation of api.operations) {
        const endpoint = `${operation.method.toUpperCase()} ${expressPath(operation)}`;
        const row = section.split('\n').find((line) => line.startsWith(`| \`${endpoint}\``)) ?? '';
        const everyEndpoint = errorCodesOf({ ...operation, errors: {}, auth: 'none' });
        const own = Object.entries(errorCodesOf(operation)).flatMap(([status, codes]) =>
          codes.filter((code) => !everyEndpoint[Number(status)]?.includes(code)).map((code) => `${status} ${code}`),
        );
        expect({ endpoint, codes: endpointCodes(row).sort() }).toEqual({ endpoint, codes: own.sort() });
      }
    }
  });

  it('reads the codes of domain errors, the HTTP layer and common’s defaults from the sources', () => {
    const codes = codesInSources(sources());
    for (const code of ['TICKET_RESERVED', 'ORDER_PAID', 'EMAIL_IN_USE', 'CARD_DECLINED', 'MALFORMED_JSON']) {
      expect(codes.has(code)).toBe(true);
    }
    for (const code of ['VALIDATION_FAILED', 'INTERNAL_ERROR', 'RATE_LIMITED', 'NOT_FOUND', 'BAD_REQUEST']) {
      expect(codes.has(code)).toBe(true);
    }
    // Written in a conditional: authentication ? 'CARD_AUTHENTICATION_REQUIRED' : 'CARD_DECLINED'.
    for (const code of ['CARD_AUTHENTICATION_REQUIRED']) {
      expect(codes.has(code)).toBe(true);
    }
  });

  it('reports a new code nobody documented, a listed code nothing answers and an endpoint naming an unlisted code', () => {
    const withNewCode = [
      ...sources(),
      {
        path: 'orders/src/domain/limits.ts',
        text: "throw new TooManyRequestsError('Too many listings', 'LISTING_LIMIT');\nthrow new BadRequestError('No', { code: 'ORDER_LOCKED' });",
      },
    ];
    expect(errorCodeProblems(withNewCode, readme())).toEqual([
      "orders/src/domain/limits.ts: ORDER_LOCKED is not in the README's error codes",
      "orders/src/domain/limits.ts: LISTING_LIMIT is not in the README's error codes",
    ]);

    const withoutOwnTicket = sources().map((file) => ({
      ...file,
      text: file.text.replace("{ code: 'OWN_TICKET' }", "{ code: 'TICKET_RESERVED' }"),
    }));
    expect(errorCodeProblems(withoutOwnTicket, readme())).toEqual([
      'README.md: OWN_TICKET is listed, but no source answers it',
    ]);

    const unlisted = readme().replace('400 `ORDER_COMPLETED` ·', '400 `ORDER_COMPLETED`, `ORDER_LOCKED` ·');
    expect(errorCodeProblems(sources(), unlisted)).toEqual([
      'README.md: an endpoint row names ORDER_LOCKED, which has no row of its own',
    ]);
  });
});
