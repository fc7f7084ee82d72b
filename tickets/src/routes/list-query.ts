import type { Request } from 'express';
import type { ListPosition } from '../domain/cursor';
import { decodeCursor } from '../domain/cursor';
import { DEFAULT_PAGE_SIZE } from './validators';

export interface ListQuery {
  mine: boolean;
  search?: string;
  after?: ListPosition;
  limit: number;
}

/** The typed form of a query string that {@link listQuery} already validated. */
export function parseListQuery(query: Request['query']): ListQuery {
  const search = typeof query.q === 'string' ? query.q.trim() : '';
  return {
    mine: query.mine === 'true',
    search: search === '' ? undefined : search,
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit: query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit),
  };
}
