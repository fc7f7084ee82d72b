import type { RequestHandler } from 'express';
import { REVALIDATE_CACHE_CONTROL } from '../api/operation';

/**
 * For the public reads (the listing, a ticket, the catalog, an event): the browser may keep an
 * answer but revalidates it on every use, sending back the `ETag` Express gave it
 * (`If-None-Match`), and an unchanged answer is a 304 without a body. `private` keeps shared
 * caches out and `no-cache` never lets an answer be used unchecked, so no read is older than the
 * last write: a seller who edits a ticket and reads it back sees the edit.
 */
export const revalidateEachTime: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', REVALIDATE_CACHE_CONTROL);
  next();
};
