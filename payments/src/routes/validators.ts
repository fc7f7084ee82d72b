import { body } from 'express-validator';

/** A Stripe test token (`tok_visa`) or PaymentMethod id (`pm_card_visa`, `pm_1Q…`). */
export const PAYMENT_TOKEN = /^(tok|pm)_[A-Za-z0-9_]+$/;

export const orderIdField = body('orderId')
  .exists({ values: 'falsy' })
  .withMessage('orderId is required')
  .bail()
  .isString()
  .withMessage('orderId must be a string')
  .bail()
  .isUUID()
  .withMessage('orderId must be a valid id');

export const tokenField = body('token')
  .exists({ values: 'falsy' })
  .withMessage('token is required')
  .bail()
  .isString()
  .withMessage('token must be a string')
  .bail()
  .isLength({ max: 255 })
  .withMessage('token must be at most 255 characters')
  .bail()
  .matches(PAYMENT_TOKEN)
  .withMessage('token must be a Stripe token (tok_…) or PaymentMethod id (pm_…)');
