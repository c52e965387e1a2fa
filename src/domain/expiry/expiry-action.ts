/**
 * An action run for a certificate that nears (event `action`) or has passed (event `expired`) its
 * end, chosen per certificate profile (`expiry.profiles.<profile>.action`). New actions plug in by
 * implementing this and being listed in main/expiry-services.ts. An action that throws is retried
 * from the outbox with backoff; the summary it returns is recorded in the audit trail.
 */
import type { CertificateRecord } from '../inventory/index.js';
import type { Subscriber } from '../subscribers/index.js';
import type { ExpiryEvent } from './model.js';

export interface ActionSubject {
  event: ExpiryEvent;
  /** The certificate's person, when it has one. */
  subscriber: Subscriber | null;
  /** The inventory record, for certificates mcms issued. */
  certificate: CertificateRecord | null;
}

export interface ExpiryAction {
  readonly name: string;
  /** Does the work; resolves with a one-line outcome (recorded), throws to be retried. */
  run(subject: ActionSubject): Promise<string>;
}

/** The certificate as JSON for commands and webhooks (no DER: the PEM is enough to identify it). */
export function certificateJson(subject: ActionSubject): Record<string, unknown> {
  const { event, subscriber, certificate } = subject;
  return {
    event: event.event, source: event.source, serial: event.serial, subject: event.subject, profile: event.profile,
    notAfter: event.notAfter.toISOString(), fingerprint: event.fingerprint,
    subscriber: subscriber ? { id: subscriber.id, name: subscriber.displayName, mailboxes: subscriber.mailboxes.map((m) => m.address) } : null,
    deviceId: certificate?.deviceId ?? null, emails: certificate?.emails ?? [],
  };
}
