import { CustomError } from './custom-error';

/** 409: the resource kept changing while the request tried to change it; reload and retry. */
export class ConflictError extends CustomError {
  readonly statusCode = 409;

  constructor(message: string, code = 'CONFLICT') {
    super(message, code);
  }
}
