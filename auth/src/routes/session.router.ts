/// <reference types="cookie-session" />
import { Router } from 'express';

/** Sign-out and the current user: both only read or clear the cookie session. */
export function sessionRouter(): Router {
  return Router()
    .post('/api/users/signout', (req, res) => {
      req.session = null;
      res.status(200).json({});
    })
    .get('/api/users/currentuser', (req, res) => {
      res.status(200).json({ currentUser: req.currentUser ?? null });
    });
}
