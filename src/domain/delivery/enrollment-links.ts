/**
 * Enrollment links (DESIGN.md steps 2–3): an operator invites a person; the link is mailed to their
 * mailbox and shown once; the person opens it on the phone and installs the profile it delivers. A
 * link is single-use and expires; only the SHA-256 of its token is stored, and the token is compared
 * in constant time. Using a link registers the device it enrolls when the invitation named none.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { describeActor, recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import { MailError } from '../outbound-mail.js';
import type { Device, Subscriber } from '../subscribers/index.js';
import { findSubscriber, findSubscriberDevice, primaryMailbox } from '../subscribers/index.js';
import { buildDeviceProfile } from './build-device-profile.js';
import type { DeliveryDeps } from './delivery-deps.js';
import type { DeliveryErrorCode } from './errors.js';
import { invitationMail } from './invitation-mail.js';
import type { BuiltProfile, EnrollmentLink, Invitation } from './model.js';
import { newToken, tokenId, tokenMatches } from './one-time-token.js';

const fail = (code: DeliveryErrorCode, message: string) => new DomainError(code, message);

export function enrollmentUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/enroll/${token}`;
}

export async function inviteSubscriber(
  deps: DeliveryDeps,
  principal: Principal,
  input: { subscriber: string; deviceId?: string | undefined },
): Promise<Invitation> {
  requirePermission(principal, 'certificates.issue');
  const { token, id, hash } = newToken();
  const now = deps.clock.now();
  const { link, subscriber } = await deps.uow.transaction(async (tx) => {
    const subscriber = await findSubscriber(tx.subscribers, input.subscriber);
    if (subscriber.status !== 'active') throw new DomainError('subscriber.disabled', `subscriber ${primaryMailbox(subscriber)} is disabled`);
    const device = input.deviceId ? await findSubscriberDevice(tx.devices, subscriber, input.deviceId) : null;
    const link: EnrollmentLink = {
      id, subscriberId: subscriber.id, deviceId: device?.id ?? null, secretHash: hash,
      status: 'open', createdBy: describeActor(principal.actor), createdAt: now, expiresAt: new Date(now.getTime() + deps.settings.linkTtlMs),
      usedAt: null, mailedAt: null,
    };
    await tx.enrollmentLinks.insert(link);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'delivery.invite', target: link.id,
      details: { subscriber: primaryMailbox(subscriber), device: link.deviceId, expiresAt: link.expiresAt.toISOString() },
    });
    return { link, subscriber };
  });
  const url = enrollmentUrl(deps.settings.baseUrl, token);
  const mail = await mailInvitation(deps, link, subscriber, url);
  return { link: mail.mailed ? { ...link, mailedAt: deps.clock.now() } : link, url, ...mail };
}

async function mailInvitation(deps: DeliveryDeps, link: EnrollmentLink, subscriber: Subscriber, url: string): Promise<{ mailed: boolean; mailProblem: string | null }> {
  if (!deps.mailer.configured) return { mailed: false, mailProblem: 'mail is not configured (mail.host): give the person the link yourself' };
  const to = primaryMailbox(subscriber);
  try {
    await deps.mailer.send(invitationMail({ to, name: subscriber.displayName, organization: deps.settings.organization, url, expiresAt: link.expiresAt }));
  } catch (error) {
    if (error instanceof MailError) return { mailed: false, mailProblem: `the invitation was not mailed: ${error.message}` };
    throw error;
  }
  await deps.uow.transaction((tx) => tx.enrollmentLinks.markMailed(link.id, deps.clock.now()));
  return { mailed: true, mailProblem: null };
}

export async function listLinks(deps: Pick<DeliveryDeps, 'uow'>, principal: Principal, subscriberKey: string): Promise<EnrollmentLink[]> {
  requirePermission(principal, 'subscribers.read');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, subscriberKey);
  return deps.uow.read.enrollmentLinks.listBySubscriber(subscriber.id);
}

/** What the enrollment page shows for a token: its state, and whose link it is only when the token is right. */
export type LinkState =
  | { state: 'invalid' }
  | { state: 'open' | 'used' | 'expired' | 'revoked'; mailbox: string; displayName: string | null; organization: string; expiresAt: Date; ota: boolean };

/** A token's link, or null when no link has this token (unknown id, wrong secret, garbage). */
async function linkForToken(deps: Pick<DeliveryDeps, 'uow'>, token: string): Promise<EnrollmentLink | null> {
  const id = tokenId(token);
  const link = id ? await deps.uow.read.enrollmentLinks.findById(id) : null;
  return tokenMatches(token, link?.secretHash ?? null) ? link : null;
}

function stateOf(link: EnrollmentLink, now: Date): 'open' | 'used' | 'expired' | 'revoked' {
  if (link.status !== 'open') return link.status;
  return now.getTime() >= link.expiresAt.getTime() ? 'expired' : 'open';
}

export async function openEnrollmentLink(deps: Pick<DeliveryDeps, 'uow' | 'clock' | 'settings'>, token: string): Promise<LinkState> {
  const link = await linkForToken(deps, token);
  if (!link) return { state: 'invalid' };
  const subscriber = await deps.uow.read.subscribers.findById(link.subscriberId);
  if (!subscriber) return { state: 'invalid' };
  const device = link.deviceId && link.status === 'open' ? await deps.uow.read.devices.findById(link.deviceId) : null;
  const withdrawn = subscriber.status !== 'active' || (device !== null && device.status !== 'active');
  return {
    state: withdrawn ? 'revoked' : stateOf(link, deps.clock.now()),
    mailbox: primaryMailbox(subscriber), displayName: subscriber.displayName, organization: deps.settings.organization,
    expiresAt: link.expiresAt, ota: deps.settings.ota.enabled,
  };
}

/**
 * Uses the link once: binds it to its device (registering one when the invitation named none) in
 * the transaction that marks it used, so two requests racing for one link get one profile.
 */
export async function useEnrollmentLink(deps: DeliveryDeps, token: string): Promise<{ link: EnrollmentLink; device: Device; subscriber: Subscriber }> {
  const link = await linkForToken(deps, token);
  if (!link) throw fail('delivery.link-invalid', 'this enrollment link is not valid');
  const now = deps.clock.now();
  const state = stateOf(link, now);
  if (state !== 'open') throw fail(`delivery.link-${state}`, { used: 'this enrollment link was used already', expired: 'this enrollment link has expired', revoked: 'this enrollment link was revoked' }[state]);
  const actor = deps.linkPrincipal.actor;
  return deps.uow.transaction(async (tx) => {
    const subscriber = await findSubscriber(tx.subscribers, link.subscriberId);
    if (subscriber.status !== 'active') throw fail('delivery.link-revoked', 'this enrollment link was revoked');
    let device = link.deviceId ? await findSubscriberDevice(tx.devices, subscriber, link.deviceId) : null;
    // A link for a device reported lost or retired delivers nothing (reporting the loss also revokes it).
    if (device && device.status !== 'active') throw fail('delivery.link-revoked', 'this enrollment link was revoked');
    if (!device) {
      device = { id: randomUUID(), subscriberId: subscriber.id, name: `enrolled ${now.toISOString().slice(0, 10)} by link ${link.id}`, status: 'active', createdAt: now };
      await tx.devices.insert(device);
      await recordAuditEvent(tx.audit, deps.clock, actor, { action: 'device.add', target: device.id, details: { subscriber: primaryMailbox(subscriber), name: device.name, link: link.id } });
    }
    if (!(await tx.enrollmentLinks.markUsed(link.id, { at: now, deviceId: device.id }))) throw fail('delivery.link-used', 'this enrollment link was used already');
    await recordAuditEvent(tx.audit, deps.clock, actor, { action: 'delivery.link-use', target: link.id, details: { subscriber: primaryMailbox(subscriber), device: device.id } });
    return { link: { ...link, status: 'used' as const, usedAt: now, deviceId: device.id }, device, subscriber };
  });
}

/** The profile a link delivers (manual install from Safari): the link is used, then the profile built. */
export async function downloadProfile(deps: DeliveryDeps, token: string): Promise<BuiltProfile> {
  const { device, subscriber } = await useEnrollmentLink(deps, token);
  return buildDeviceProfile(deps, deps.linkPrincipal, { subscriber: subscriber.id, deviceId: device.id });
}
