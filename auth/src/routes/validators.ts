import { validationMessage } from '@ticketing/common';
import { body } from 'express-validator';

// A surrogate without its partner is not text. validator's isEmail throws on one (encodeURI
// inside isByteLength) instead of answering false, which would be a 500.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const emailField = body('email')
  .isString()
  .withMessage('Email must be a string')
  .bail()
  .custom((email: string) => !LONE_SURROGATE.test(email))
  .withMessage('Email must be valid')
  .bail()
  .trim()
  .isEmail()
  .withMessage('Email must be valid')
  .bail()
  .isLength({ max: 254 })
  .withMessage('Email must be at most 254 characters')
  .toLowerCase();

/** Passwords are 8 to 128 characters (code points), counted and used exactly as typed: never trimmed. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const passwordTooLong = validationMessage(
  `Password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  'PASSWORD_TOO_LONG',
);

export const newPasswordField = body('password')
  .isString()
  .withMessage('Password must be a string')
  .bail()
  .isLength({ min: PASSWORD_MIN_LENGTH })
  .withMessage(validationMessage(`Password must be at least ${PASSWORD_MIN_LENGTH} characters`, 'PASSWORD_TOO_SHORT'))
  .bail()
  .isLength({ max: PASSWORD_MAX_LENGTH })
  .withMessage(passwordTooLong);

/**
 * Sign-in takes any password up to the maximum, as typed: accounts made under earlier rules may
 * have shorter ones. A longer one cannot match, so it is refused before any hashing.
 */
export const passwordField = body('password')
  .isString()
  .withMessage('Password must be a string')
  .bail()
  .notEmpty()
  .withMessage('You must supply a password')
  .bail()
  .isLength({ max: PASSWORD_MAX_LENGTH })
  .withMessage(passwordTooLong);
