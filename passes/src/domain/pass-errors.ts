import {
  BadRequestError,
  ConflictError,
  type ErrorItem,
  ForbiddenError,
  NotFoundError,
  type PassRevocationReason,
} from '@ticketing/common';

/** 400 PASS_INVALID: the code's signature, key or shape is wrong (or it names no pass this service issued). */
export const passInvalid = () =>
  new BadRequestError('This code is not a valid pass: its signature, key or format is wrong', {
    code: 'PASS_INVALID',
    field: 'code',
  });

export const notEventOrganizer = () =>
  new ForbiddenError('Only the organizer of the event can check its passes', 'NOT_EVENT_ORGANIZER');

export const passNotFound = () => new NotFoundError('Pass not found', 'PASS_NOT_FOUND');

export const eventNotFound = () => new NotFoundError('Event not found', 'EVENT_NOT_FOUND');

const REVOKED_BECAUSE: Record<PassRevocationReason, string> = {
  reissued: 'the ticket was reissued to a newer pass',
  refunded: 'its buyer was refunded',
};

export const passRevoked = (reason: PassRevocationReason | null) =>
  new ConflictError(`This pass was revoked: ${REVOKED_BECAUSE[reason ?? 'reissued']}`, 'PASS_REVOKED');

export const passListed = () =>
  new ConflictError(
    'This pass is locked while its holder resells it: it cannot be admitted unless the listing is withdrawn',
    'PASS_LISTED',
  );

export const passNotForEvent = () =>
  new ConflictError('This pass is for a ticket of no event: there is no door to check it in at', 'PASS_NOT_FOR_EVENT');

/** 409 PASS_ALREADY_ADMITTED, with when: its error item carries `admittedAt`. */
export class PassAlreadyAdmittedError extends ConflictError {
  constructor(readonly admittedAt: Date) {
    super(`This pass was already admitted at ${admittedAt.toISOString()}`, 'PASS_ALREADY_ADMITTED');
  }

  override serialize(): ErrorItem[] {
    return [{ message: this.message, code: this.code, admittedAt: this.admittedAt.toISOString() } as ErrorItem];
  }
}
