/**
 * `mcms profile build`, and what an enrollment link delivers (smime-mobile-notes §1.8, §2): the
 * person's S/MIME profile for one device. It carries a fresh one-time SCEP challenge bound to the
 * person, the device and the smime-signing profile; every encryption identity of the person (one is
 * generated and archived first if there is no current one); and the mail account. The payloads are
 * encrypted to the device's identity certificate when one is known, and the whole is signed by the
 * profile-signing certificate. Audited with what went in, never the passwords or the challenge.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { createChallenge } from '../enrollment/index.js';
import type { DeviceIdentityFile } from '../escrow/index.js';
import { generateEncryptionIdentity, packageIdentitiesForDevice } from '../escrow/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRecord } from '../inventory/index.js';
import { appleSubject, encryptProfile, signProfile, smimeProfile } from '../mobileconfig/index.js';
import { subscriberSubject } from '../policy/index.js';
import type { Device, Subscriber } from '../subscribers/index.js';
import { addDevice, findSubscriber, findSubscriberDevice, primaryMailbox } from '../subscribers/index.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { loadProfileSigner } from './delivery-deps.js';
import type { DeliveryErrorCode } from './errors.js';
import type { BuiltProfile, DeliverySettings } from './model.js';

export interface ProfileRequest {
  subscriber: string;
  /** The device; when absent a device is registered for this profile. */
  deviceId?: string | undefined;
  /** Encrypt to this certificate (OTA phase 3: the identity the device just signed with). */
  encryptTo?: CertificateRecord | undefined;
  /** Sets PayloadExpirationDate, after which an OTA-enrolled device asks again. */
  expiresAt?: Date | undefined;
}

/** The SCEP endpoint the signing payload names: the certificate profile's own path. */
export function signingScepPath(profile: DeliverySettings['signingProfile']): string {
  return `/scep/${profile}`;
}

async function encryptionFiles(deps: DeliveryDeps, principal: Principal, subscriber: Subscriber, device: Device): Promise<DeviceIdentityFile[]> {
  const escrow = await deps.escrow();
  const current = await escrow.uow.read.escrow.findCurrent(subscriber.id);
  const certificate = current ? await escrow.uow.read.certificates.findBySerial(current.certificateSerial) : null;
  // No current identity, or one whose certificate is no longer usable: a new one is made and archived first.
  if (!certificate || certificate.status !== 'valid' || certificate.notAfter.getTime() <= deps.clock.now().getTime()) {
    await generateEncryptionIdentity(escrow, principal, { subscriber: subscriber.id });
  }
  return packageIdentitiesForDevice(escrow, principal.actor, subscriber, { deviceId: device.id });
}

/**
 * The device's identity certificate, if mcms issued one that can receive a key: the newest valid,
 * unexpired smime-dual certificate bound to the device (OTA phase 2 issues exactly that).
 */
export async function deviceIdentityCertificate(deps: Pick<DeliveryDeps, 'uow' | 'clock'>, deviceId: string): Promise<CertificateRecord | null> {
  const page = await deps.uow.read.certificates.list(
    { deviceId, profile: 'smime-dual', status: 'valid', notAfterAfter: deps.clock.now() }, { limit: 1 },
  );
  return page.items[0] ?? null;
}

export async function buildDeviceProfile(deps: DeliveryDeps, principal: Principal, request: ProfileRequest): Promise<BuiltProfile> {
  requirePermission(principal, 'certificates.issue');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, request.subscriber);
  const mailbox = primaryMailbox(subscriber);
  if (subscriber.status !== 'active') throw new DomainError('subscriber.disabled', `subscriber ${mailbox} is disabled`);
  const device = request.deviceId
    ? await findSubscriberDevice(deps.uow.read.devices, subscriber, request.deviceId)
    : await addDevice(deps, principal, { subscriber: subscriber.id, name: `profile built ${deps.clock.now().toISOString().slice(0, 10)}` });
  if (device.status !== 'active') {
    throw new DomainError<DeliveryErrorCode>('delivery.device-inactive', `device ${device.id} is ${device.status}: no profile is delivered to it`);
  }
  const signer = await loadProfileSigner(deps);
  const files = await encryptionFiles(deps, principal, subscriber, device);
  const { challenge, secret } = await createChallenge(deps.challenges, principal, {
    subscriber: subscriber.id, deviceId: device.id, profile: deps.settings.signingProfile, ttlMs: deps.settings.challengeTtlMs,
  });
  const recipient = request.encryptTo ?? (await deviceIdentityCertificate(deps, device.id));
  const now = deps.clock.now();
  const profile = smimeProfile({
    identifierPrefix: deps.settings.identifierPrefix, organization: deps.settings.organization,
    subscriberId: subscriber.id, deviceId: device.id, mailbox, displayName: subscriber.displayName,
    chain: { root: signer.root, intermediates: [signer.issuing] },
    scep: {
      url: `${deps.settings.baseUrl}${signingScepPath(deps.settings.signingProfile)}`, name: 'mcms',
      subject: appleSubject(subscriberSubject(deps.subject, { displayName: subscriber.displayName, mailbox })),
      // Key Usage 1 = signing, 5 = signing and encryption (dual use), com.apple.security.scep.yaml.
      challenge: secret, keyUsage: deps.settings.signingProfile === 'smime-dual' ? 5 : 1,
    },
    encryption: files.map((f) => ({ serial: f.identity.serial, pkcs12: f.pkcs12, password: f.password, current: f.identity.status === 'current' })),
    mail: deps.settings.mailAccount,
    expiresAt: request.expiresAt,
  }, `${challenge.id}`);
  const mobileconfig = await signProfile(recipient ? encryptProfile(profile, recipient.der) : profile, signer, now);
  const built: BuiltProfile = {
    mobileconfig, identifier: profile.PayloadIdentifier, subscriberId: subscriber.id, deviceId: device.id, mailbox,
    encryptionSerials: files.map((f) => f.identity.serial), encryptedTo: recipient?.serial ?? null, challengeExpiresAt: challenge.expiresAt,
  };
  await deps.uow.transaction((tx) => recordAuditEvent(tx.audit, deps.clock, principal.actor, {
    action: 'delivery.profile-build', target: built.identifier,
    details: { subscriber: mailbox, device: device.id, encryption: built.encryptionSerials, encryptedTo: built.encryptedTo, challenge: challenge.id },
  }));
  return built;
}
