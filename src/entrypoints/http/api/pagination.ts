/**
 * Cursor pagination for listings: `?limit=&cursor=` in, `{ items, nextCursor }` out. The cursor is
 * opaque (the store makes it); `nextCursor` is null on the last page.
 */
import type { PageRequest } from '../../../domain/unit-of-work.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export interface PageQuery {
  cursor?: string;
  limit?: number;
}

/** Querystring properties to spread into a listing's querystring schema. */
export const pageQueryProperties = {
  cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'nextCursor of the previous page' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'page size' },
} as const;

/** The response schema of one page of `item`s (a schema or a `$ref`). */
export function pageSchema(item: object) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last page' },
    },
  } as const;
}

export function pageRequest(query: PageQuery): PageRequest {
  return { cursor: query.cursor, limit: query.limit ?? DEFAULT_PAGE_SIZE };
}
