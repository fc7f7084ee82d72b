import {
  BadGatewayError,
  BadRequestError,
  CustomError,
  ForbiddenError,
  NotAuthorizedError,
  NotFoundError,
  PayloadTooLargeError,
  PaymentRequiredError,
  RequestValidationError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '..';

describe('the error hierarchy', () => {
  it.each([
    [new BadRequestError('Ticket is reserved'), 400, 'BAD_REQUEST', 'Ticket is reserved'],
    [new NotFoundError(), 404, 'NOT_FOUND', 'Not found'],
    [new NotAuthorizedError(), 401, 'NOT_AUTHORIZED', 'Not authorized'],
    [new ForbiddenError(), 403, 'FORBIDDEN', 'Forbidden'],
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
    [new ForbiddenError('Not the organizer', 'NOT_EVENT_ORGANIZER'), 'NOT_EVENT_ORGANIZER'],
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

  it('when validation fails, then it is a 400 VALIDATION_FAILED whose items are the failed fields', () => {
    const items = [
      { message: 'Title is required', code: 'VALIDATION_FAILED', field: 'title' },
      { message: 'Password must be at least 8 characters', code: 'PASSWORD_TOO_SHORT', field: 'password' },
    ];

    const error = new RequestValidationError(items);

    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('Invalid request parameters');
    expect(error.serialize()).toEqual(items);
  });
});
