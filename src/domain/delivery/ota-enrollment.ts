/**
 * Over-the-air enrollment (Apple Profile Service; smime-mobile-notes §3), the path an enrollment link
 * takes when `delivery.ota.enabled`:
 *  start  — the link is used and a session opened; the device gets a signed Profile Service profile
 *           whose Challenge names the session;
 *  phase 1 — the device posts its attributes signed by its built-in identity: the signer certificate
 *           must be signed by the pinned device CA key, the challenge must name an open, unexpired
 *           session (once: a replay is refused), and the device gets a profile with one SCEP payload
 *           (one-time challenge for smime-dual, `Key Usage` 5) for its own device identity;
 *  phase 3 — the device posts again, signed by that identity: mcms must have issued the certificate
 *           (signature by the issuing CA, valid in the inventory, bound to a device with an attested
 *           session), and the device gets the person's profile encrypted to it.
 * Phases tell themselves apart by who signed the request. Every refusal is 'delivery.ota-refused'
 * with a reason for the log; nothing about sessions is revealed to the caller.
 */
import { X509Certificate } from 'node:crypto';
import { PkiError, parseSignedData, readCertificate, verifySignerInfo, identifiesCertificate } from '../../lib/pki/index.js';
import { PlistError, readPlistDict } from '../../lib/plist/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { createChallenge } from '../enrollment/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRecord } from '../inventory/index.js';
import { appleSubject, deviceIdentityProfile, profileServiceProfile, signProfile } from '../mobileconfig/index.js';
import { subscriberSubject } from '../policy/index.js';
import { findSubscriber, primaryMailbox } from '../subscribers/index.js';
import { buildDeviceProfile } from './build-device-profile.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { loadProfileSigner } from './delivery-deps.js';
import type { DeliveryErrorCode } from './errors.js';
import { useEnrollmentLink } from './enrollment-links.js';
import type { OtaSession } from './model.js';
import { newToken, tokenId, tokenMatches } from './one-time-token.js';

/** Where devices post in phases 1 and 3 (one URL, as in Apple's sample). */
export const OTA_PATH = '/enroll/ota';
/** The SCEP endpoint of the device identity (phase 2). */
export const DEVICE_IDENTITY_SCEP_PATH = '/scep/smime-dual';

const refused = (reason: string) => new DomainError<DeliveryErrorCode>('delivery.ota-refused', `over-the-air enrollment refused: ${reason}`);

function requireOta(deps: DeliveryDeps): { deviceCa: Buffer } {
  if (!deps.settings.ota.enabled || !deps.settings.ota.deviceCa) throw new DomainError<DeliveryErrorCode>('delivery.ota-disabled', 'over-the-air enrollment is not enabled');
  return { deviceCa: deps.settings.ota.deviceCa };
}

/** Uses the link, opens a session, and answers the signed Profile Service profile. */
export async function startOtaEnrollment(deps: DeliveryDeps, token: string): Promise<Buffer> {
  requireOta(deps);
  const { device, subscriber, link } = await useEnrollmentLink(deps, token);
  const now = deps.clock.now();
  const { token: challenge, id, hash } = newToken();
  const session: OtaSession = {
    id, subscriberId: subscriber.id, deviceId: device.id, secretHash: hash, status: 'open',
    udid: null, product: null, osVersion: null, createdAt: now, expiresAt: new Date(now.getTime() + deps.settings.ota.sessionTtlMs),
    attestedAt: null, deliveredAt: null,
  };
  await deps.uow.transaction(async (tx) => {
    await tx.otaSessions.insert(session);
    await recordAuditEvent(tx.audit, deps.clock, deps.linkPrincipal.actor, {
      action: 'delivery.ota-start', target: session.id, details: { subscriber: primaryMailbox(subscriber), device: device.id, link: link.id },
    });
  });
  const profile = profileServiceProfile({
    identifierPrefix: deps.settings.identifierPrefix, organization: deps.settings.organization, sessionId: session.id,
    url: `${deps.settings.baseUrl}${OTA_PATH}`, challenge,
  });
  return signProfile(profile, await loadProfileSigner(deps), now);
}

interface SignedRequest {
  signer: Buffer;
  attributes: Record<string, unknown>;
}

/** Reads and verifies a device's signed request: the signature must verify with the signer certificate it carries. */
function readSignedRequest(body: Buffer): SignedRequest {
  try {
    const signed = parseSignedData(body, { ber: true });
    const signerInfo = signed.signerInfos[0];
    if (!signerInfo || signed.signerInfos.length !== 1 || !signed.content) throw refused('expected one signer and attached content');
    const signer = signed.certificates.find((certificate) => identifiesCertificate(signerInfo.sid, certificate));
    if (!signer) throw refused('the signer certificate is not in the request');
    verifySignerInfo(signed, signerInfo, readCertificate(signer).subjectPublicKeyInfo);
    return { signer, attributes: readPlistDict(signed.content) };
  } catch (error) {
    if (error instanceof PkiError || error instanceof PlistError) throw refused(error.message);
    throw error;
  }
}

/** Whether `certificate` carries a valid signature by `issuer`'s key (dates are not checked). */
function signedBy(certificate: Buffer, issuer: Buffer): boolean {
  try {
    return new X509Certificate(certificate).verify(new X509Certificate(issuer).publicKey);
  } catch {
    return false;
  }
}

/** A device's post to the profile service URL (phase 1 or 3); returns the signed profile to answer with. */
export async function handleOtaRequest(deps: DeliveryDeps, body: Buffer): Promise<Buffer> {
  const { deviceCa } = requireOta(deps);
  const request = readSignedRequest(body);
  const signer = await loadProfileSigner(deps);
  if (signedBy(request.signer, signer.issuing)) return deliverToDeviceIdentity(deps, request);
  if (signedBy(request.signer, deviceCa)) return attestDevice(deps, request);
  throw refused('the request is signed by a certificate neither the device CA nor mcms issued');
}

async function attestDevice(deps: DeliveryDeps, request: SignedRequest): Promise<Buffer> {
  const presented = request.attributes.CHALLENGE;
  const udid = request.attributes.UDID;
  if (typeof presented !== 'string' || typeof udid !== 'string' || udid.length === 0 || udid.length > 128) throw refused('CHALLENGE and UDID are required');
  const id = tokenId(presented);
  const session = id ? await deps.uow.read.otaSessions.findById(id) : null;
  if (!session || !tokenMatches(presented, session.secretHash)) throw refused('unknown challenge');
  const now = deps.clock.now();
  if (now.getTime() >= session.expiresAt.getTime()) throw refused('the enrollment session has expired');
  const text = (key: string) => (typeof request.attributes[key] === 'string' ? (request.attributes[key] as string).slice(0, 64) : null);
  const subscriber = await findSubscriber(deps.uow.read.subscribers, session.subscriberId);
  const mailbox = primaryMailbox(subscriber);
  await deps.uow.transaction(async (tx) => {
    if (!(await tx.otaSessions.markAttested(session.id, { at: now, udid, product: text('PRODUCT'), osVersion: text('VERSION') }))) throw refused('the challenge was used already');
    await recordAuditEvent(tx.audit, deps.clock, deps.linkPrincipal.actor, {
      action: 'delivery.ota-attest', target: session.id,
      details: { subscriber: mailbox, device: session.deviceId, udid, product: text('PRODUCT'), version: text('VERSION'), signer: readCertificate(request.signer).serialHex },
    });
  });
  const { secret } = await createChallenge(deps.challenges, deps.linkPrincipal, {
    subscriber: subscriber.id, deviceId: session.deviceId, profile: 'smime-dual', ttlMs: Math.max(60_000, session.expiresAt.getTime() - now.getTime()),
  });
  const profile = deviceIdentityProfile({
    identifierPrefix: deps.settings.identifierPrefix, organization: deps.settings.organization, deviceId: session.deviceId,
    scepUrl: `${deps.settings.baseUrl}${DEVICE_IDENTITY_SCEP_PATH}`, challenge: secret, mailbox,
    subject: appleSubject(subscriberSubject(deps.subject, { displayName: subscriber.displayName, mailbox })),
  });
  return signProfile(profile, await loadProfileSigner(deps), now);
}

async function deliverToDeviceIdentity(deps: DeliveryDeps, request: SignedRequest): Promise<Buffer> {
  const serial = readCertificate(request.signer).serialHex;
  const record: CertificateRecord | null = await deps.uow.read.certificates.findBySerial(serial);
  const now = deps.clock.now();
  if (!record || !record.der.equals(request.signer)) throw refused('the signer certificate is not in the inventory');
  if (record.status !== 'valid' || record.notAfter.getTime() <= now.getTime()) throw refused('the signer certificate is revoked or expired');
  if (record.profile !== 'smime-dual' || !record.deviceId || !record.subscriberId) throw refused('the signer certificate is not a device identity');
  const session = await deps.uow.read.otaSessions.findLatestForDevice(record.deviceId);
  if (!session || session.subscriberId !== record.subscriberId) throw refused('the device has no attested enrollment');
  const built = await buildDeviceProfile(deps, deps.linkPrincipal, {
    subscriber: record.subscriberId, deviceId: record.deviceId, encryptTo: record, expiresAt: new Date(now.getTime() + deps.settings.ota.profileTtlMs),
  });
  await deps.uow.transaction(async (tx) => {
    await tx.otaSessions.markDelivered(session.id, now);
    await recordAuditEvent(tx.audit, deps.clock, deps.linkPrincipal.actor, {
      action: 'delivery.ota-deliver', target: session.id, details: { device: record.deviceId, encryptedTo: serial, profile: built.identifier },
    });
  });
  return built.mobileconfig;
}
