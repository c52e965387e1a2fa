/**
 * A unit of work: the repositories a use case needs, and a way to run several writes (always with
 * their audit record) as one transaction. Use cases declare the narrow repository set they need,
 * `UnitOfWork<Pick<Repos, 'subscribers' | 'audit'>>`; the storage adapter provides them all.
 */
export interface UnitOfWork<R> {
  /** Repositories outside any transaction, for reads. */
  readonly read: R;
  /**
   * Runs `work` in one transaction: all of it commits, or none of it does. Inside, use only the
   * repositories handed to `work`: on SQLite `read` or a nested transaction would wait for the one
   * connection that this transaction holds.
   */
  transaction<T>(work: (repos: R) => Promise<T>): Promise<T>;
}

/** One page of a listing with an opaque cursor for the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string | undefined;
  limit: number;
}

/** A cursor that this listing did not hand out (edited, truncated, or from another listing). */
export const PAGING_ERRORS = ['page.invalid-cursor'] as const;
export type PagingErrorCode = (typeof PAGING_ERRORS)[number];
