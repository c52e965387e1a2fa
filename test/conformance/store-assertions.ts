/**
 * Checks the conformance suites share: a refusal with a domain error code, row counts under the
 * repositories (with $n placeholders on either dialect), and a walk through every page of a listing.
 */
import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.js';
import type { TestStore } from './test-databases.js';

export async function rejectsWithCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

export async function countRows(db: TestStore, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
  const placeholders = db.store.dialect === 'postgres' ? where : where.replace(/\$\d+/g, '?');
  const rows = await db.query<{ n: number | string }>(`select count(*) as n from ${table} where ${placeholders}`, params);
  return Number(rows[0]?.n);
}

/** Every item of a listing, page by page; checks that each page but the last is full. */
export async function walk<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = await list(cursor);
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    assert.equal(page.items.length, limit, 'a page before the last is full');
    cursor = page.nextCursor;
  }
  throw new Error('pagination does not end');
}
