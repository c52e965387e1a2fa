import type {
  CertificateSource, ExpiryEvent, MonitoredCertificate, OutboxChannel, OutboxItem, OutboxKind, OutboxStatus, ProfileSet,
} from './model.js';

export interface EventWindow {
  event: string;
  /** notAfter > after … */
  after: Date;
  /** … and notAfter <= upTo. */
  upTo: Date;
  profiles: ProfileSet;
  /** Also the monitored certificates (they count as profile `external`). */
  monitored: boolean;
  scanId: string;
  now: Date;
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
   * Records `window.event` for every valid certificate whose notAfter is in the window, that has not
   * had this event yet and that no newer valid certificate of the same person and profile (and device)
   * replaces: one INSERT … SELECT, duplicates skipped. Returns how many were recorded.
   */
  recordEvents(window: EventWindow): Promise<number>;
  /** One outbox row per matching event of the scan (one INSERT … SELECT); returns how many. */
  enqueueForEvents(input: EnqueueForEvents): Promise<number>;
  enqueue(row: { kind: OutboxKind; channel: OutboxChannel; recipient: string; scanId: string | null; fingerprint?: string | null; event?: string | null; now: Date }): Promise<void>;
  eventsOfScan(scanId: string): Promise<ExpiryEvent[]>;
  findEvent(fingerprint: string, event: string): Promise<ExpiryEvent | null>;
  /** Pending rows due at `now` with seq > afterSeq, oldest first. */
  due(now: Date, afterSeq: number, limit: number): Promise<OutboxItem[]>;
  /** Marks a pending row sent; false if it was not pending any more. */
  markSent(seq: number, now: Date): Promise<boolean>;
  markAttempt(seq: number, outcome: { attempts: number; nextAttemptAt: Date; error: string; failed: boolean }): Promise<void>;
  outboxCounts(): Promise<Record<OutboxStatus, number>>;
  listOutbox(filter: { status?: OutboxStatus | undefined }, limit: number): Promise<OutboxItem[]>;
  /** Valid, unrevoked certificates of a source with notAfter in (after, upTo]. */
  countExpiring(source: CertificateSource, after: Date, upTo: Date): Promise<number>;
  /** false when a certificate with the same fingerprint is watched already. */
  insertMonitored(record: MonitoredCertificate): Promise<boolean>;
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
