import type {
  CertificateSource, ExpiryEvent, MonitoredCertificate, OutboxChannel, OutboxItem, OutboxKind, OutboxStatus, ProfileSet,
} from './model.js';

/** A notAfter range (after, upTo] and the event a certificate in it gets. */
export interface EventRange {
  event: string;
  after: Date;
  upTo: Date;
}

/** Disjoint ranges for one group of profiles: a certificate gets at most one event of a family. */
export interface EventFamily {
  ranges: EventRange[];
  profiles: ProfileSet;
  /** Also the monitored certificates (they count as profile `external`). */
  monitored: boolean;
}

/** One statement's worth of the scan: every family, so each certificate is read and checked once. */
export interface EventPass {
  families: EventFamily[];
  /** Only certificates added after these high-water marks (seq), when set. */
  addedAfter?: HighWaterMarks | undefined;
  scanId: string;
  now: Date;
}

export interface HighWaterMarks {
  certificates: number;
  monitored: number;
}

/** What a scan leaves for the next one. */
export interface ScanMark {
  scanId: string;
  scannedAt: Date;
  marks: HighWaterMarks;
  /** The windows' configuration the scan ran with. */
  windows: string;
  fullScanAt: Date;
}

export interface EnqueueForEvents {
  scanId: string;
  /** Events of the scan to enqueue a row for: exact names, or every `notice-*`. */
  events: string[] | 'notices';
  profiles: ProfileSet;
  /** Only events of certificates that belong to a person. */
  withSubscriber: boolean;
  kind: OutboxKind;
  channel: OutboxChannel;
  recipient: string;
  now: Date;
}

export interface ExpiryRepository {
  /**
   * Records, for every valid certificate whose notAfter is in a range of a family (for its profile),
   * that range's event, unless the certificate has had it or a newer valid certificate of the same
   * person and profile (and device) replaces it: one INSERT … SELECT per source, duplicates skipped.
   */
  recordEvents(pass: EventPass): Promise<void>;
  countEventsOfScan(scanId: string): Promise<Record<string, number>>;
  lastScan(): Promise<ScanMark | null>;
  highWaterMarks(): Promise<HighWaterMarks>;
  recordScan(mark: ScanMark, now: Date): Promise<void>;
  /** One outbox row per matching event of the scan (one INSERT … SELECT); returns how many. */
  enqueueForEvents(input: EnqueueForEvents): Promise<number>;
  enqueue(row: { kind: OutboxKind; channel: OutboxChannel; recipient: string; scanId: string | null; fingerprint?: string | null; event?: string | null; now: Date }): Promise<void>;
  eventsOfScan(scanId: string): Promise<ExpiryEvent[]>;
  findEvent(fingerprint: string, event: string): Promise<ExpiryEvent | null>;
  /** The events of several outbox rows at once (one query for a batch). */
  findEvents(keys: { fingerprint: string; event: string }[]): Promise<ExpiryEvent[]>;
  /** Each active person's primary mailbox (the first one when none is marked primary), by subscriber id. */
  holderMailboxes(subscriberIds: string[]): Promise<Map<string, string>>;
  /** Pending rows due at `now` with seq > afterSeq, oldest first. */
  due(now: Date, afterSeq: number, limit: number): Promise<OutboxItem[]>;
  /** Marks a pending row sent (or cancelled); false if it was not pending any more. */
  markSent(seq: number, now: Date, status?: 'sent' | 'cancelled'): Promise<boolean>;
  /** Whether the event's certificate is still valid and not replaced by a newer one (renewal cancels notices). */
  stillDue(event: ExpiryEvent): Promise<boolean>;
  markAttempt(seq: number, outcome: { attempts: number; nextAttemptAt: Date; error: string; failed: boolean }): Promise<void>;
  outboxCounts(): Promise<Record<OutboxStatus, number>>;
  listOutbox(filter: { status?: OutboxStatus | undefined }, limit: number): Promise<OutboxItem[]>;
  /** Valid, unrevoked certificates of a source with notAfter in (after, upTo]. */
  countExpiring(source: CertificateSource, after: Date, upTo: Date): Promise<number>;
  /** false when a certificate with the same fingerprint is watched already. */
  insertMonitored(record: MonitoredCertificate): Promise<boolean>;
  /**
   * Which of these SHA-256 hashes (lower-case hex) are of a certificate mcms issued (its fingerprint) or
   * of a value mcms published on a directory entry: the directory import skips those.
   */
  knownToMcms(hashes: readonly string[]): Promise<Set<string>>;
}

/** A webhook call could not be completed; `temporary` ones are retried. */
export class WebhookError extends Error {
  constructor(message: string, readonly temporary: boolean) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** POSTs a JSON body signed with HMAC-SHA256 (adapters/webhook); throws WebhookError. */
export interface WebhookSender {
  post(url: string, body: string, options: { secret: string; timeoutMs: number; deliveryId: string }): Promise<void>;
}

/** One directory entry's certificate values, as the directory holds them (any bytes). */
export interface DirectoryCertificateEntry {
  dn: string;
  values: Buffer[];
}

/**
 * The certificate values of the people entries of the configured directory (adapters/ldap), in pages.
 * Unreachable: DomainError('directory.unavailable').
 */
export interface DirectoryCertificates {
  pages(): AsyncIterable<DirectoryCertificateEntry[]>;
}
