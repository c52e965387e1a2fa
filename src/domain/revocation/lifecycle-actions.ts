/**
 * The lifecycle actions that decide what goes and what stays (S/MIME BR §4.9.1.1; DESIGN.md step 7).
 * A lost device loses its signing and authentication certificates, its open challenges and
 * enrollment links; the person's encryption keys stay, to be delivered again to the next device. A
 * leaver loses every certificate (affiliationChanged), their challenges and links, and their access;
 * their escrowed keys stay recoverable under dual control. Each action is one transaction with one
 * audit record naming everything it revoked.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { CertificateFilter, CertificateRecord, CertificateRepository } from '../inventory/index.js';
import type { Device, Subscriber } from '../subscribers/index.js';
import { findSubscriber, primaryMailbox } from '../subscribers/index.js';
import type { RevocationErrorCode } from './errors.js';
import type { RevocationReason } from './model.js';
import { parseRevocationReason, revokeRecord } from './revoke-certificate.js';
import type { RevocationDeps } from './revocation-deps.js';

/** Encryption certificates belong to the person's escrowed key history, not to one device. */
const PERSON_PROFILES = new Set(['smime-encryption']);

export interface DeviceLoss {
  device: Device;
  revoked: string[];
  challengesRevoked: number;
  /** Whether a replacement invitation went out (device delivery); the error line if it failed. */
  replacement: 'invited' | 'not-available' | { failed: string };
}

export interface Departure {
  subscriber: Subscriber;
  revoked: string[];
  challengesRevoked: number;
  devicesRetired: number;
}

async function validCertificates(repo: CertificateRepository, filter: CertificateFilter): Promise<CertificateRecord[]> {
  const found: CertificateRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.list({ ...filter, status: 'valid' }, { cursor, limit: 500 });
    found.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

export async function reportDeviceLost(
  deps: RevocationDeps,
  principal: Principal,
  input: { deviceId: string; reason?: string | undefined },
): Promise<DeviceLoss> {
  requirePermission(principal, 'certificates.revoke');
  // The key may be in a finder's hands: keyCompromise unless the operator knows better.
  const reason: RevocationReason = parseRevocationReason(input.reason ?? 'keyCompromise');
  const at = deps.clock.now();
  const result = await deps.uow.transaction(async (tx) => {
    const device = await tx.devices.findById(input.deviceId);
    if (!device) throw new DomainError('device.not-found', `no device ${input.deviceId}`);
    if (device.status === 'lost') throw new DomainError<RevocationErrorCode>('device.already-lost', `device ${device.id} is reported lost already`);
    const targets = (await validCertificates(tx.certificates, { deviceId: device.id })).filter((c) => !PERSON_PROFILES.has(c.profile));
    for (const record of targets) await revokeRecord(tx, record, reason, at);
    const challengesRevoked = await tx.challenges.revokeOpen({ deviceId: device.id });
    await tx.devices.updateStatus(device.id, 'lost');
    await deps.hooks.enrollmentLinks?.(tx, { subscriberId: device.subscriberId, deviceId: device.id }, at);
    if (targets.length > 0) await deps.hooks.directory?.(tx, device.subscriberId, at);
    const revoked = targets.map((c) => c.serial);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'device.lost', target: device.id, details: { subscriber: device.subscriberId, reason, revoked, challengesRevoked },
    });
    return { device: { ...device, status: 'lost' as const }, revoked, challengesRevoked };
  });
  if (result.revoked.length > 0) deps.hooks.revoked?.();
  return { ...result, replacement: await inviteReplacement(deps, principal, result.device) };
}

async function inviteReplacement(deps: RevocationDeps, principal: Principal, device: Device): Promise<DeviceLoss['replacement']> {
  if (!deps.hooks.inviteReplacement) return 'not-available';
  try {
    await deps.hooks.inviteReplacement(principal, { subscriberId: device.subscriberId, lostDeviceId: device.id });
    return 'invited';
  } catch (error) {
    return { failed: String((error as Error)?.message ?? error).split('\n')[0]! };
  }
}

export async function recordSubscriberLeaving(deps: RevocationDeps, principal: Principal, input: { subscriber: string }): Promise<Departure> {
  requirePermission(principal, 'certificates.revoke');
  requirePermission(principal, 'subscribers.write');
  const at = deps.clock.now();
  const result = await deps.uow.transaction(async (tx) => {
    const subscriber = await findSubscriber(tx.subscribers, input.subscriber);
    if (subscriber.status === 'disabled') throw new DomainError('subscriber.disabled', `${primaryMailbox(subscriber)} is disabled already`);
    const targets = await validCertificates(tx.certificates, { subscriberId: subscriber.id });
    for (const record of targets) await revokeRecord(tx, record, 'affiliationChanged', at);
    const challengesRevoked = await tx.challenges.revokeOpen({ subscriberId: subscriber.id });
    const devices = (await tx.devices.listBySubscriber(subscriber.id)).filter((d) => d.status === 'active');
    for (const device of devices) await tx.devices.updateStatus(device.id, 'retired');
    await tx.subscribers.updateStatus(subscriber.id, 'disabled');
    await deps.hooks.enrollmentLinks?.(tx, { subscriberId: subscriber.id }, at);
    await deps.hooks.directory?.(tx, subscriber.id, at);
    const revoked = targets.map((c) => c.serial);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'subscriber.leave', target: subscriber.id,
      details: { mailbox: primaryMailbox(subscriber), reason: 'affiliationChanged', revoked, challengesRevoked, devicesRetired: devices.length },
    });
    return { subscriber: { ...subscriber, status: 'disabled' as const }, revoked, challengesRevoked, devicesRetired: devices.length };
  });
  if (result.revoked.length > 0) deps.hooks.revoked?.();
  return result;
}
