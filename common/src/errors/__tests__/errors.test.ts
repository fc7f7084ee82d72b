import type { ValidationError } from 'express-validator';
import {
  BadGatewayError,
  BadRequestError,
  CustomError,
  NotAuthorizedError,
  NotFoundError,
  PayloadTooLargeError,
  PaymentRequiredError,
  RequestValidationError,
  ServiceUnavailableError,
  TooManyRequestsError,
  validationMessage,
} from '..';

describe('the error hierarchy', () => {
  it.each([
    [new BadRequestError('Ticket is reserved'), 400, 'BAD_REQUEST', 'Ticket is reserved'],
    [new NotFoundError(), 404, 'NOT_FOUND', 'Not found'],
    [new NotAuthorizedError(), 401, 'NOT_AUTHORIZED', 'Not authorized'],
    [new PaymentRequiredError('Card declined'), 402, 'PAYMENT_REQUIRED', 'Card declined'],
    [new PayloadTooLargeError(), 413, 'PAYLOAD_TOO_LARGE', 'Request body is too large'],
    [new TooManyRequestsError(), 429, 'RATE_LIMITED', 'Too many requests'],
    [new BadGatewayError(), 502, 'BAD_GATEWAY', 'Upstream service failed'],
    [new ServiceUnavailableError(), 503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
  ])(
    'when %p is created with defaults, then it has its status, code and one serialized item with both',
    (error, status, code, message) => {
      expect(error).toBeInstanceOf(CustomError);
      expect(error).toBeInstanceOf(Error);
      expect(error.statusCode).toBe(status);
      expect(error.code).toBe(code);
      expect(error.name).toBe(error.constructor.name);
      expect(error.serialize()).toEqual([{ message, code }]);
    },
  );

  it.each([
    [new NotFoundError('Ticket not found', 'TICKET_NOT_FOUND'), 'TICKET_NOT_FOUND'],
    [new NotAuthorizedError('Not the owner', 'TICKET_NOT_OWNER'), 'TICKET_NOT_OWNER'],
    [new PaymentRequiredError('Card declined', 'PAYMENT_DECLINED'), 'PAYMENT_DECLINED'],
    [new PayloadTooLargeError('Too big', 'UPLOAD_TOO_LARGE'), 'UPLOAD_TOO_LARGE'],
    [new TooManyRequestsError('Slow down', 'SIGNIN_RATE_LIMITED'), 'SIGNIN_RATE_LIMITED'],
    [new BadGatewayError('Stripe failed', 'STRIPE_FAILED'), 'STRIPE_FAILED'],
    [new ServiceUnavailableError('Database down', 'DB_UNAVAILABLE'), 'DB_UNAVAILABLE'],
  ])('when %p is given a message and a code, then it keeps both', (error, code) => {
    expect(error.code).toBe(code);
    expect(error.serialize()).toEqual([{ message: error.message, code }]);
  });

  it('when a bad request names a code and a field, then both are kept and serialized', () => {
    const error = new BadRequestError('Email in use', { code: 'EMAIL_IN_USE', field: 'email' });

    expect(error.code).toBe('EMAIL_IN_USE');
    expect(error.serialize()).toEqual([{ message: 'Email in use', code: 'EMAIL_IN_USE', field: 'email' }]);
  });

  it('when a bad request has no field, then the serialized item has no field key', () => {
    expect(Object.keys(new BadRequestError('Nope').serialize()[0] ?? {})).toEqual(['message', 'code']);
  });

  it('when validation fails, then there is one item per error with the param path as field and no value', () => {
    const errors: ValidationError[] = [
      { type: 'field', location: 'body', path: 'title', value: '', msg: 'Title is required' },
      { type: 'field', location: 'body', path: 'card.number', value: '4242424242424242', msg: 'Invalid card' },
      { type: 'unknown_fields', msg: 'Unknown fields', fields: [{ path: 'admin', location: 'body', value: true }] },
      { type: 'alternative', msg: 'Give a token or a payment method', nestedErrors: [] },
      { type: 'alternative_grouped', msg: 42, nestedErrors: [] },
    ];

    const error = new RequestValidationError(errors);

    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('Invalid request parameters');
    expect(error.serialize()).toEqual([
      { message: 'Title is required', code: 'VALIDATION_FAILED', field: 'title' },
      { message: 'Invalid card', code: 'VALIDATION_FAILED', field: 'card.number' },
      { message: 'Unknown fields: admin', code: 'VALIDATION_FAILED' },
      { message: 'Give a token or a payment method', code: 'VALIDATION_FAILED' },
      { message: '42', code: 'VALIDATION_FAILED' },
    ]);
    expect(JSON.stringify(error.serialize())).not.toContain('4242');
  });

  it('when a rule names its own code with validationMessage, then that item carries it instead of VALIDATION_FAILED', () => {
    const errors: ValidationError[] = [
      {
        type: 'field',
        location: 'body',
        path: 'password',
        value: 'short',
        msg: validationMessage('Password must be at least 8 characters', 'PASSWORD_TOO_SHORT'),
      },
      { type: 'field', location: 'body', path: 'email', value: 'x', msg: 'Email must be valid' },
      { type: 'field', location: 'body', path: 'odd', value: 1, msg: { message: 'Half a rule' } },
    ];

    expect(new RequestValidationError(errors).serialize()).toEqual([
      { message: 'Password must be at least 8 characters', code: 'PASSWORD_TOO_SHORT', field: 'password' },
      { message: 'Email must be valid', code: 'VALIDATION_FAILED', field: 'email' },
      { message: 'Half a rule', code: 'VALIDATION_FAILED', field: 'odd' },
    ]);
  });
});
