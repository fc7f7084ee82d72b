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

export const newPasswordField = body('password')
  .isString()
  .withMessage('Password must be a string')
  .bail()
  .trim()
  .isLength({ min: 4, max: 20 })
  .withMessage('Password must be between 4 and 20 characters');

export const passwordField = body('password')
  .isString()
  .withMessage('Password must be a string')
  .bail()
  .trim()
  .notEmpty()
  .withMessage('You must supply a password')
  .isLength({ max: 1024 })
  .withMessage('Password is too long');
