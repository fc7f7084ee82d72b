import { body } from 'express-validator';

export const emailField = body('email')
  .isString()
  .withMessage('Email must be a string')
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
