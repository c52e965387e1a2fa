import type { PublicationIntent, PublishedValue } from './model.js';

export interface PublicationOutboxRepository {
  insert(intent: PublicationIntent): Promise<void>;
  /** Pending intents whose next attempt is due, oldest first. */
  listDue(now: Date, limit: number): Promise<PublicationIntent[]>;
  countPending(): Promise<number>;
  markDelivered(ids: readonly string[], change: { at: Date; note: string | null }): Promise<void>;
  markFailed(id: string, change: { attempts: number; nextAttemptAt: Date; error: string }): Promise<void>;
}

export interface PublishedValueRepository {
  listBySubscriber(subscriberId: string): Promise<PublishedValue[]>;
  insert(value: PublishedValue): Promise<void>;
  delete(key: { subscriberId: string; entryDn: string; attribute: string; valueHash: string }): Promise<void>;
  /** People with a published value whose certificate has expired by `now`. */
  subscribersWithExpired(now: Date, limit: number): Promise<string[]>;
}

/**
 * The directory as publication sees it (adapters/ldap). Unreachable: DomainError('directory.unavailable');
 * any other failure is an Error whose message names the LDAP result.
 */
export interface AttributeChange {
  attribute: string;
  add: readonly Buffer[];
  remove: readonly Buffer[];
}

export interface DirectoryPublisher {
  /** The DN of the entry holding one of these mailboxes (the first one found), or null. */
  findEntry(addresses: readonly string[]): Promise<string | null>;
  /**
   * Makes each attribute of the entry hold every value of its `add` and none of its `remove` (exact
   * bytes), leaving every other value as it is, in one modify where the directory allows it. Values
   * already there / already gone are not an error, so a repeated update changes nothing; an entry that
   * no longer exists has nothing to remove.
   */
  updateEntry(dn: string, changes: readonly AttributeChange[]): Promise<void>;
}

/** Which encryption certificate of a person is current (escrow's record), by serial. */
export type CurrentEncryptionSerial = (subscriberId: string) => Promise<string | null>;
