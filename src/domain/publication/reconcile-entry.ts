/**
 * Makes one person's directory entry match what should be published now (smime-mobile-notes §8.1):
 * their current encryption certificate while it is valid — as DER in `userCertificate;binary` and as a
 * certs-only PKCS#7 with the chain in `userSMIMECertificate` — and nothing else of mcms's. Values mcms
 * published earlier and no longer wants (superseded, revoked, expired, the person disabled) are removed
 * value by value; values mcms did not publish are never touched, because only what is recorded in
 * published_values is ever removed. Directory writes are idempotent, so a drain that dies between the
 * directory write and the database commit repeats harmlessly.
 */
import { createHash } from 'node:crypto';
import { degenerateSignedData } from '../../lib/pki/index.js';
import type { Actor } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { CertificateRecord } from '../inventory/index.js';
import { certificateState } from '../inventory/index.js';
import type { Subscriber } from '../subscribers/index.js';
import { mailboxAddresses } from '../subscribers/index.js';
import type { PublishedValue } from './model.js';
import type { PublicationDeps } from './publication-deps.js';

export interface EntryOutcome {
  entryDn: string | null;
  added: PublishedValue[];
  removed: PublishedValue[];
  /** Why nothing could be published ('no directory entry'), kept on the closed intents. */
  note: string | null;
}

type Desired = Omit<PublishedValue, 'entryDn' | 'publishedAt'>;

const sha256 = (value: Buffer) => createHash('sha256').update(value).digest('hex');
const keyOf = (v: { entryDn: string; attribute: string; valueHash: string }) => `${v.entryDn}\u0000${v.attribute}\u0000${v.valueHash}`;

/**
 * What senders should encrypt to now: the person's current encryption certificate, while the person
 * is active and the certificate valid (not revoked, not expired). Publication and lookup both ask this.
 */
export async function publishableCertificate(
  deps: Pick<PublicationDeps, 'uow' | 'currentEncryptionSerial'>,
  subscriber: Subscriber,
  now: Date,
): Promise<CertificateRecord | null> {
  if (subscriber.status !== 'active') return null;
  const serial = await deps.currentEncryptionSerial(subscriber.id);
  const certificate = serial ? await deps.uow.read.certificates.findBySerial(serial) : null;
  return certificate && certificateState(certificate, now) === 'valid' ? certificate : null;
}

async function desiredValues(deps: PublicationDeps, subscriberId: string, now: Date): Promise<{ values: Desired[]; addresses: string[] }> {
  const subscriber = await deps.uow.read.subscribers.findById(subscriberId);
  if (!subscriber) return { values: [], addresses: [] };
  const addresses = mailboxAddresses(subscriber);
  const certificate = await publishableCertificate(deps, subscriber, now);
  if (!certificate) return { values: [], addresses };
  const base = { subscriberId, certificateSerial: certificate.serial, notAfter: certificate.notAfter };
  const values: Desired[] = [{ ...base, attribute: deps.settings.certificateAttribute, value: certificate.der, valueHash: sha256(certificate.der) }];
  if (deps.settings.smimeAttribute) {
    const pkcs7 = degenerateSignedData([certificate.der, ...(await deps.chain())]);
    values.push({ ...base, attribute: deps.settings.smimeAttribute, value: pkcs7, valueHash: sha256(pkcs7) });
  }
  return { values, addresses };
}

/** Reconciles the person's entry and closes `intentIds` (the intents that asked for it) in the same transaction. */
export async function reconcileEntry(
  deps: PublicationDeps & { directory: NonNullable<PublicationDeps['directory']> },
  subscriberId: string,
  actor: Actor,
  intentIds: readonly string[],
): Promise<EntryOutcome> {
  const now = deps.clock.now();
  const { values, addresses } = await desiredValues(deps, subscriberId, now);
  const published = await deps.uow.read.publishedValues.listBySubscriber(subscriberId);
  const entryDn = values.length > 0 ? await deps.directory.findEntry(addresses) : null;
  const wanted: PublishedValue[] = entryDn ? values.map((v) => ({ ...v, entryDn, publishedAt: now })) : [];
  const wantedKeys = new Set(wanted.map(keyOf));
  const publishedKeys = new Set(published.map(keyOf));
  const removed = published.filter((v) => !wantedKeys.has(keyOf(v)));
  const added = wanted.filter((v) => !publishedKeys.has(keyOf(v)));

  const byEntry = new Map<string, Map<string, { attribute: string; add: Buffer[]; remove: Buffer[] }>>();
  const change = (dn: string, attribute: string) => {
    const entry = byEntry.get(dn) ?? new Map<string, { attribute: string; add: Buffer[]; remove: Buffer[] }>();
    byEntry.set(dn, entry);
    let one = entry.get(attribute);
    if (!one) entry.set(attribute, (one = { attribute, add: [], remove: [] }));
    return one;
  };
  for (const v of removed) change(v.entryDn, v.attribute).remove.push(v.value);
  for (const v of added) change(v.entryDn, v.attribute).add.push(v.value);
  for (const [dn, changes] of byEntry) await deps.directory.updateEntry(dn, [...changes.values()]);

  const note = entryDn === null && removed.length === 0 ? 'no directory entry' : null;
  await deps.uow.transaction(async (tx) => {
    for (const v of removed) await tx.publishedValues.delete(v);
    for (const v of added) await tx.publishedValues.insert(v);
    if (added.length + removed.length > 0) {
      await recordAuditEvent(tx.audit, deps.clock, actor, {
        action: 'directory.publish', target: subscriberId,
        details: {
          entryDn,
          added: added.map((v) => ({ dn: v.entryDn, attribute: v.attribute, serial: v.certificateSerial })),
          removed: removed.map((v) => ({ dn: v.entryDn, attribute: v.attribute, serial: v.certificateSerial })),
        },
      });
    }
    // The intents that asked for this close with it: delivered exactly when the record of what is published changes.
    await tx.publicationOutbox.markDelivered(intentIds, { at: deps.clock.now(), note });
  });
  return { entryDn, added, removed, note };
}
