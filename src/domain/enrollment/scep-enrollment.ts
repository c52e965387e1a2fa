/**
 * SCEP enrollment decisions (RFC 8894 §3.3.1, §3.3.1.2, §3.3.3): PKCSReq with a challenge, RenewalReq
 * signed by a current certificate of this CA, CertPoll for pending requests, GetCert. The protocol
 * encoding lives in the HTTP edge and lib/pki/scep; this file decides and records.
 *
 * A transaction is keyed by transactionID and the requester's key: a replay gets the first result,
 * never a second certificate, and a stranger cannot collect another device's certificate.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { CertificationRequest } from '../../lib/pki/index.js';
import type { ApprovalRepository, Principal } from '../access/index.js';
import { openApproval } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError, isDomainError } from '../errors.js';
import type { CertificateRecord, CertificateRepository } from '../inventory/index.js';
import { certificateState } from '../inventory/index.js';
import type { CertificateProfile, ProfileCatalog } from '../policy/index.js';
import { checkSubscriberKey } from '../policy/index.js';
import type { Device, DeviceRepository, Subscriber, SubscriberRepository } from '../subscribers/index.js';
import { findSubscriber, findSubscriberDevice, primaryMailbox } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { CertifyDeps } from './certify.js';
import { certifyRequest, issuanceDetails } from './certify.js';
import type { EnrollmentErrorCode } from './errors.js';
import type { ChallengeGrant, ChallengeRepository, ChallengeValidator, ScepTransactionRepository } from './ports.js';
import type { ScepOutcome } from './scep-outcome.js';
import { failureFrom } from './scep-outcome.js';
import type { ScepTransaction } from './scep-model.js';

export interface ScepEnrollmentDeps extends CertifyDeps {
  uow: UnitOfWork<{
    subscribers: SubscriberRepository; devices: DeviceRepository; certificates: CertificateRepository; audit: AuditRepository;
    challenges: ChallengeRepository; scepTransactions: ScepTransactionRepository; approvals: ApprovalRepository;
  }>;
  profiles: ProfileCatalog;
  validator: ChallengeValidator;
  clock: Clock;
  /** The identity SCEP acts as in the audit trail and as the requester of approvals. */
  principal: Principal;
  /** Profiles whose enrollments wait for an operator, and how long they wait. */
  approval: { profiles: ReadonlySet<string>; ttlMs: number };
  /** The current complete CRL of the CA with this subject Name (DER), for GetCRL; null if it is not ours. */
  crl?: (issuerName: Buffer) => Promise<Buffer | null>;
}

export interface ScepEnrollment {
  kind: 'PKCSReq' | 'RenewalReq';
  profile: string;
  transactionId: string;
  /** The certificate that signed the pkiMessage: self-signed for PKCSReq, a current one for RenewalReq. */
  signerCertificate: { der: Buffer; serial: string; subjectPublicKeyInfo: Buffer };
  csr: CertificationRequest;
}

const fail = (code: EnrollmentErrorCode, message: string) => new DomainError(code, message);
export const keyHash = (spki: Buffer) => createHash('sha256').update(spki).digest('hex');

/**
 * Who may see a transaction's outcome: the key a PKCSReq certifies (its self-signed certificate
 * signs the message and every CertPoll), or the certificate that signed a RenewalReq (which signs its
 * CertPolls too). So a renewal is its own transaction even when the client reuses its key and so its
 * transactionID (scepclient derives the ID from the key).
 */
function transactionKey(request: ScepEnrollment): string {
  return request.kind === 'PKCSReq' ? keyHash(request.csr.subjectPublicKeyInfo) : keyHash(request.signerCertificate.der);
}

/** The transaction on record for this request, if any; renewals recorded by earlier versions were keyed by the new key and the certificate. */
async function earlierTransaction(deps: Pick<ScepEnrollmentDeps, 'uow'>, request: ScepEnrollment): Promise<ScepTransaction | null> {
  const found = await deps.uow.read.scepTransactions.find(request.transactionId, transactionKey(request));
  if (found || request.kind === 'PKCSReq') return found;
  return deps.uow.read.scepTransactions.find(request.transactionId, keyHash(Buffer.concat([request.csr.subjectPublicKeyInfo, request.signerCertificate.der])));
}

export async function enrollOverScep(deps: ScepEnrollmentDeps, request: ScepEnrollment): Promise<ScepOutcome> {
  const requesterKeyHash = transactionKey(request);
  const earlier = await earlierTransaction(deps, request);
  if (earlier) return outcomeOf(deps, earlier, request.profile);
  try {
    const profile = deps.profiles.get(request.profile);
    checkSubscriberKey(request.csr.publicKey);
    const who = request.kind === 'PKCSReq' ? await grantByChallenge(deps, request, profile) : await grantByRenewal(deps, request, profile);
    const subscriber = await findSubscriber(deps.uow.read.subscribers, who.subscriber);
    const device = who.deviceId ? await findSubscriberDevice(deps.uow.read.devices, subscriber, who.deviceId) : null;
    const transaction: ScepTransaction = {
      transactionId: request.transactionId, requesterKeyHash, profile: profile.id, subscriberId: subscriber.id, deviceId: device?.id ?? null,
      status: 'pending', csr: request.csr.der, certificateSerial: null, approvalId: null, createdAt: deps.clock.now(), updatedAt: deps.clock.now(),
    };
    if (deps.approval.profiles.has(profile.id)) return await holdForApproval(deps, { transaction, subscriber, grant: who });
    return await issueNow(deps, { transaction, profile, subscriber, device, csr: request.csr, grant: who, kind: request.kind });
  } catch (error) {
    if (isDomainError(error) && error.code === 'scep.transaction-exists') {
      const first = await deps.uow.read.scepTransactions.find(request.transactionId, requesterKeyHash);
      if (first) return outcomeOf(deps, first, request.profile);
    }
    return failureFrom(error);
  }
}

async function grantByChallenge(deps: ScepEnrollmentDeps, request: ScepEnrollment, profile: CertificateProfile): Promise<ChallengeGrant> {
  // RFC 8894 §3.3.1: the request is signed by a self-signed certificate for the key being certified.
  if (!request.signerCertificate.subjectPublicKeyInfo.equals(request.csr.subjectPublicKeyInfo)) {
    throw new DomainError('csr.bad-signature', 'the message is not signed by the key in the request');
  }
  const challenge = request.csr.challengePassword;
  if (!challenge) throw fail('challenge.invalid', 'the request carries no challenge password');
  return deps.validator.grant({ challenge, profile: profile.id, transactionId: request.transactionId, csr: request.csr });
}

/** RenewalReq: signed with a current (unexpired, unrevoked) certificate this CA issued for the same profile. */
async function grantByRenewal(deps: ScepEnrollmentDeps, request: ScepEnrollment, profile: CertificateProfile): Promise<ChallengeGrant> {
  const old = await deps.uow.read.certificates.findBySerial(request.signerCertificate.serial);
  const refuse = (why: string) => fail('scep.renewal-refused', why);
  if (!old || !old.der.equals(request.signerCertificate.der)) throw refuse('the renewal is not signed by a certificate this CA issued');
  if (certificateState(old, deps.clock.now()) !== 'valid') throw refuse(`the certificate signing the renewal is ${certificateState(old, deps.clock.now())}`);
  if (old.profile !== profile.id || !old.subscriberId) throw refuse(`the certificate signing the renewal is not a ${profile.id} certificate`);
  return { subscriber: old.subscriberId, deviceId: old.deviceId, challengeId: null, renewalOf: old.serial };
}

/** A renewal held for approval is issued only while the certificate that signed it is still valid. */
export async function checkRenewalStillValid(deps: Pick<ScepEnrollmentDeps, 'uow' | 'clock'>, serial: string): Promise<void> {
  const old = await deps.uow.read.certificates.findBySerial(serial);
  const state = old ? certificateState(old, deps.clock.now()) : 'unknown';
  if (state !== 'valid') throw fail('scep.renewal-refused', `the certificate ${serial} that signed the renewal is ${state} now`);
}

async function issueNow(
  deps: ScepEnrollmentDeps,
  input: { transaction: ScepTransaction; profile: CertificateProfile; subscriber: Subscriber; device: Device | null; csr: CertificationRequest; grant: ChallengeGrant; kind: string },
): Promise<ScepOutcome> {
  const record = await certifyRequest(deps, { ...input, key: input.csr, now: deps.clock.now() });
  await deps.uow.transaction(async (tx) => {
    await tx.scepTransactions.insert({ ...input.transaction, status: 'issued', certificateSerial: record.serial });
    await consumeChallenge(tx.challenges, input.grant, deps.clock);
    await tx.certificates.insert(record);
    await recordAuditEvent(tx.audit, deps.clock, deps.principal.actor, {
      action: 'certificate.issue', target: record.serial,
      details: issuanceDetails(record, { via: 'scep', message: input.kind, transactionId: input.transaction.transactionId, challenge: input.grant.challengeId }),
    });
  });
  return { status: 'SUCCESS', certificate: record.der };
}

async function holdForApproval(
  deps: ScepEnrollmentDeps,
  input: { transaction: ScepTransaction; subscriber: Subscriber; grant: ChallengeGrant },
): Promise<ScepOutcome> {
  const { transaction } = input;
  await deps.uow.transaction(async (tx) => {
    const approval = await openApproval(tx, deps.clock, deps.principal, {
      kind: 'scep-enrollment', target: transaction.transactionId, requiredApprovals: 1, ttlMs: deps.approval.ttlMs,
      summary: `${transaction.profile} certificate for ${primaryMailbox(input.subscriber)}${transaction.deviceId ? ` (device ${transaction.deviceId})` : ''}`,
      details: {
        profile: transaction.profile, subscriber: primaryMailbox(input.subscriber), device: transaction.deviceId,
        ...(input.grant.renewalOf ? { renewalOf: input.grant.renewalOf } : {}),
      },
    });
    await tx.scepTransactions.insert({ ...transaction, approvalId: approval.id });
    await consumeChallenge(tx.challenges, input.grant, deps.clock);
    await recordAuditEvent(tx.audit, deps.clock, deps.principal.actor, {
      action: 'scep.pending', target: transaction.transactionId, details: { approval: approval.id, profile: transaction.profile, challenge: input.grant.challengeId },
    });
  });
  return { status: 'PENDING' };
}

async function consumeChallenge(challenges: ChallengeRepository, grant: ChallengeGrant, clock: Clock): Promise<void> {
  if (grant.challengeId && !(await challenges.consume(grant.challengeId, clock.now()))) {
    throw fail('challenge.used', 'the challenge was used already');
  }
}

/**
 * The answer for a transaction already on record, asked about at the URL of `profile`: its
 * certificate, a wait, or its refusal. A wait ends when its approval request does: one that expired
 * undecided, or was decided without the certificate being issued, is a refusal.
 */
export async function outcomeOf(deps: Pick<ScepEnrollmentDeps, 'uow' | 'clock'>, transaction: ScepTransaction, profile: string): Promise<ScepOutcome> {
  if (transaction.profile !== profile) {
    return { status: 'FAILURE', failInfo: 'badRequest', reason: `transaction ${transaction.transactionId} is for the ${transaction.profile} profile` };
  }
  if (transaction.status === 'pending') return pendingOutcome(deps, transaction);
  if (transaction.status === 'rejected') return REJECTED;
  const record: CertificateRecord | null = await deps.uow.read.certificates.findBySerial(transaction.certificateSerial ?? '');
  if (!record) return { status: 'FAILURE', failInfo: 'badCertId', reason: 'the certificate is not on record' };
  return { status: 'SUCCESS', certificate: record.der };
}

const REJECTED: ScepOutcome = { status: 'FAILURE', failInfo: 'badRequest', reason: 'the request was rejected by an operator' };

/** How long an approved request may stay unissued before its device is told to give up. */
const COMPLETION_GRACE_MS = 3_600_000;

/**
 * A transaction waiting for its approval request. Approved, it is being issued (completeScepApproval
 * closes it if it cannot be; one still unissued an hour later failed on the way); rejected, it is being
 * closed; undecided past its expiry, nobody can approve it any more.
 */
async function pendingOutcome(deps: Pick<ScepEnrollmentDeps, 'uow' | 'clock'>, transaction: ScepTransaction): Promise<ScepOutcome> {
  const approval = transaction.approvalId ? await deps.uow.read.approvals.findById(transaction.approvalId) : null;
  const now = deps.clock.now().getTime();
  const open = approval?.status === 'open' && approval.expiresAt.getTime() > now;
  if (open) return { status: 'PENDING' };
  if (approval?.status === 'approved') {
    if (now - (approval.decidedAt ?? approval.createdAt).getTime() < COMPLETION_GRACE_MS) return { status: 'PENDING' };
    return { status: 'FAILURE', failInfo: 'badRequest', reason: 'the request was approved, but no certificate could be issued for it: enroll again' };
  }
  if (approval?.status === 'rejected') return REJECTED;
  return { status: 'FAILURE', failInfo: 'badRequest', reason: 'no operator approved the request in time' };
}

/**
 * CertPoll (RFC 8894 §3.3.3): the state of the requester's own transaction, asked by the key it
 * certifies (PKCSReq) or by the certificate that signed it (RenewalReq).
 */
export async function pollScepTransaction(
  deps: Pick<ScepEnrollmentDeps, 'uow' | 'clock'>,
  input: { profile: string; transactionId: string; signerCertificate: Buffer; requesterPublicKey: Buffer },
): Promise<ScepOutcome> {
  // The renewal first: scepclient renews with the key and transactionID of its first enrollment, so a
  // poll signed by the old certificate would otherwise find that enrollment and get the old certificate.
  const transaction = await deps.uow.read.scepTransactions.find(input.transactionId, keyHash(input.signerCertificate))
    ?? await deps.uow.read.scepTransactions.find(input.transactionId, keyHash(input.requesterPublicKey));
  if (!transaction) return failureFrom(fail('scep.unknown-transaction', 'no such transaction for this key'));
  return outcomeOf(deps, transaction, input.profile);
}

/** GetCert (RFC 8894 §3.3.4): a certificate this CA issued, by issuer name and serial number. */
export async function fetchCertificate(
  deps: Pick<ScepEnrollmentDeps, 'uow' | 'ca'>,
  input: { issuer: Buffer; serialHex: string },
): Promise<ScepOutcome> {
  const record = await deps.uow.read.certificates.findBySerial(input.serialHex);
  if (!record || record.issuerId !== deps.ca.identity.id || !input.issuer.equals(deps.ca.subjectName())) {
    return failureFrom(new DomainError('certificate.not-found', 'no certificate with that issuer and serial number'));
  }
  return { status: 'SUCCESS', certificate: record.der };
}
