import type { DirectoryLink, RawDirectoryEntry } from './model.js';

/** The people in the directory, page by page (RFC 2696 paged results), as adapters/ldap reads them. */
export interface DirectorySource {
  /** Unreachable: DomainError('directory.unavailable'). */
  pages(): AsyncIterable<RawDirectoryEntry[]>;
}

export interface DirectoryLinkRepository {
  findByDn(entryDn: string): Promise<DirectoryLink | null>;
  findBySubscriber(subscriberId: string): Promise<DirectoryLink | null>;
  /** Inserts or replaces the person's link. */
  save(link: DirectoryLink): Promise<void>;
  /** Marks links seen by a sync without other change. */
  touch(subscriberIds: readonly string[], at: Date): Promise<void>;
  /** Links not seen since `at` and not yet leavers. */
  listNotSeenSince(at: Date): Promise<DirectoryLink[]>;
  listLeavers(): Promise<DirectoryLink[]>;
}
