import { body, param } from 'express-validator';

export const ticketIdField = body('ticketId')
  .exists({ values: 'null' })
  .withMessage('ticketId is required')
  .bail()
  .isString()
  .withMessage('ticketId must be a string')
  .bail()
  .isUUID()
  .withMessage('ticketId must be a valid UUID');

export const orderIdParam = param('id').isUUID().withMessage('Order id must be a valid UUID');
