import type { CrlState, PublishedCrl, Revocation, RevocationEntry, SerialStatus } from './model.js';

export interface RevocationRepository {
  /**
   * Marks a valid certificate revoked in the inventory and appends it to the revocation log, as one
   * conditional update; false (and nothing changed) if the certificate was not valid any more.
   */
  revoke(revocation: Revocation): Promise<boolean>;
  /** The newest revocation's seq (of one issuer's, if given), 0 when none: a cheap version stamp every process can read. */
  latestSeq(issuerId?: string): Promise<number>;
  /** Serials revoked after `afterSeq`, oldest first, at most `limit`. */
  revokedSince(afterSeq: number, limit: number): Promise<{ seq: number; serial: string }[]>;
  /** One batch of an issuer's entries with seq > afterSeq not expired at `at`, in seq order. */
  entries(issuerId: string, options: { afterSeq: number; notExpiredAt: Date; limit: number }): Promise<RevocationEntry[]>;
  /** What a status responder needs of one serial, without the certificate's DER. */
  status(serial: string): Promise<SerialStatus | null>;
}

export interface CrlStateRepository {
  find(issuerId: string): Promise<CrlState | null>;
  /** The published CRL numbers only (a cheap freshness check for the HTTP edge's cache). */
  numbers(issuerId: string): Promise<{ full: number | null; delta: number | null } | null>;
  /** Takes the next cRLNumber of the issuer's sequence (1 for the first), race-free across nodes. */
  nextNumber(issuerId: string): Promise<number>;
  /** Stores a signed CRL unless a newer one of the same kind is stored already; true if stored. */
  save(crl: PublishedCrl): Promise<boolean>;
  /** The stored shard `shard` of the CA's CRL (the newest signed), or null. */
  findShard(issuerId: string, shard: number): Promise<PublishedCrl | null>;
  /** Stores a signed shard unless one of the same or a newer cRLNumber is stored already; true if stored. */
  saveShard(crl: PublishedCrl & { shard: number }): Promise<boolean>;
}
