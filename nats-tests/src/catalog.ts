import { type Subject, Subjects } from '@ticketing/common';
import { CliError } from './cli-error';

/** Every catalog subject, in the catalog's order. */
export const CATALOG_SUBJECTS: readonly Subject[] = Object.values(Subjects);

export function isCatalogSubject(subject: string): subject is Subject {
  return (CATALOG_SUBJECTS as readonly string[]).includes(subject);
}

/** The error for a subject the catalog does not know, listing the ones it does. */
export function unknownSubjectError(subject: string): CliError {
  return new CliError(`Unknown subject "${subject}". Catalog subjects: ${CATALOG_SUBJECTS.join(', ')}`);
}

/** NATS subject matching: `*` matches one token, `>` (last token) one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const have = subject.split('.');
  for (let index = 0; index < want.length; index += 1) {
    const token = want[index];
    if (token === '>') return have.length > index;
    if (index >= have.length || (token !== '*' && token !== have[index])) return false;
  }
  return want.length === have.length;
}
