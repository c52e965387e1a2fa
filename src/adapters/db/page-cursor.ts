/**
 * Keyset pagination. A listing walks an indexed integer key (`seq`) from newest to oldest; the cursor
 * is the last key of the page, wrapped so callers treat it as opaque. Unlike OFFSET, every page costs
 * the same with millions of rows, and rows inserted meanwhile neither repeat nor shift the pages.
 */
import { DomainError } from '../../domain/errors.js';
import type { PageRequest } from '../../domain/unit-of-work.js';

export const MAX_PAGE_SIZE = 1000;
const PREFIX = 'seq:';

export function encodeCursor(seq: number): string {
  return Buffer.from(`${PREFIX}${seq}`).toString('base64url');
}

/**
 * The seq to continue below (null for the first page), and the page size clamped to 1..MAX_PAGE_SIZE.
 * A cursor this adapter did not make is refused with `invalidCode`, the caller module's filter error.
 */
export function readPageRequest(page: PageRequest, invalidCode: string): { before: number | null; limit: number } {
  const limit = Math.min(Math.max(Math.trunc(page.limit) || 1, 1), MAX_PAGE_SIZE);
  if (page.cursor === undefined || page.cursor === '') return { before: null, limit };
  const text = Buffer.from(page.cursor, 'base64url').toString();
  const seq = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1 || encodeCursor(seq) !== page.cursor) {
    throw new DomainError(invalidCode, 'the page cursor is not valid (start again without it)');
  }
  return { before: seq, limit };
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says that another page exists. */
export function pageOf<Row extends { seq: number }, T>(rows: Row[], limit: number, map: (row: Row) => T): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
}
