/**
 * Expiry monitoring: which certificates near their end, which notices and actions that causes, and
 * the policy (thresholds, holder notices, action) per certificate profile. Certificates from other
 * CAs are watched under the profile name `external`.
 */

export const EXPIRY_ACTIONS = ['none', 'renew-escrow', 'remind-device', 'command', 'webhook'] as const;
export type ExpiryActionName = (typeof EXPIRY_ACTIONS)[number];

/** The profile name monitored (foreign) certificates are treated under. */
export const EXTERNAL_PROFILE = 'external';

export interface ExpiryPolicy {
  /** Days before notAfter at which a notice goes out, largest first (e.g. 30, 14, 7, 1). */
  thresholds: number[];
  /** Whether the holder gets each notice (operators always see it in the digest). */
  notifyHolder: boolean;
  action: ExpiryActionName;
  /** The action is due once notAfter is at most this many days away. */
  actionDays: number;
}

export interface ExpirySettings {
  /** The policy of each named profile; any other profile follows `defaultPolicy`. */
  policies: ReadonlyMap<string, ExpiryPolicy>;
  defaultPolicy: ExpiryPolicy;
  /** Mailboxes that get the operators' digest. */
  operators: string[];
  webhook: { url: string; secret: string; timeoutMs: number } | null;
  /** Where a person acts on a notice (self-service page), if there is one. */
  actionUrl: string | null;
  /** An expired certificate still gets its `expired` event (re-invitation) this many days after notAfter. */
  graceDays: number;
  /** Attempts before an outbox row is given up as failed. */
  maxAttempts: number;
}

/** A set of profiles: these, or every one but these. */
export type ProfileSet = { include: string[] } | { exclude: string[] };

export type CertificateSource = 'issued' | 'monitored';

/** A notice or action a certificate has had (once ever per certificate and event). */
export interface ExpiryEvent {
  fingerprint: string;
  /** `notice-<days>`, `action` or `expired`. */
  event: string;
  source: CertificateSource;
  serial: string;
  subject: string;
  profile: string;
  subscriberId: string | null;
  notAfter: Date;
  scanId: string;
  createdAt: Date;
}

export type OutboxKind = 'notice' | 'digest' | 'action';
export type OutboxChannel = 'email' | 'webhook' | 'action';
/** `cancelled`: a notice whose certificate was renewed, replaced or revoked before it went out. */
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'cancelled';
export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const satisfies readonly OutboxStatus[];

export interface OutboxItem {
  seq: number;
  kind: OutboxKind;
  channel: OutboxChannel;
  /** A mailbox, `holder` (the certificate's person, resolved when sent), a URL, or an action name. */
  recipient: string;
  fingerprint: string | null;
  event: string | null;
  scanId: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface MonitoredCertificate {
  fingerprint: string;
  serial: string;
  issuer: string;
  subject: string;
  emails: string[];
  notBefore: Date;
  notAfter: Date;
  subscriberId: string | null;
  /** `file` (mcms inventory import) or `directory`. */
  source: string;
  der: Buffer;
  createdAt: Date;
}

export const noticeEvent = (days: number) => `notice-${days}`;

/** The threshold of a `notice-<days>` event, or null for other events. */
export function noticeDays(event: string): number | null {
  const match = /^notice-(\d+)$/.exec(event);
  return match ? Number(match[1]) : null;
}

export function policyFor(settings: ExpirySettings, profile: string): ExpiryPolicy {
  return settings.policies.get(profile) ?? settings.defaultPolicy;
}
