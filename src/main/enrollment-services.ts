/** Binds the enrollment use cases: one-time challenges, approvals (and what completes them), SCEP. */
import { parseDuration } from '../lib/duration.js';
import type { Principal } from '../domain/access/index.js';
import * as access from '../domain/access/index.js';
import type { ChallengeValidator, ScepEnrollmentDeps } from '../domain/enrollment/index.js';
import * as enrollment from '../domain/enrollment/index.js';
import { WebhookChallengeValidator } from '../adapters/webhook/webhook-challenge-validator.js';
import type { Mcms } from '../entrypoints/services.js';
import type { Wiring } from './wiring.js';

export const SCEP_PRINCIPAL: Principal = { actor: { kind: 'system', id: 'scep', name: 'scep' }, role: 'officer', operatorId: null };

const ms = (text: string) => parseDuration(text)!;

export function challengeValidator(wiring: Wiring): ChallengeValidator {
  const { scep } = wiring.config;
  if (scep.validator === 'static') return new enrollment.StaticChallengeValidator(scep.static, wiring.store.read.subscribers);
  if (scep.validator === 'webhook') {
    return new WebhookChallengeValidator({ url: scep.webhook.url!, secret: scep.webhook.secret!, timeoutMs: scep.webhook.timeoutMs }, wiring.clock);
  }
  return new enrollment.OneTimeChallengeValidator({ uow: wiring.uow, clock: wiring.clock });
}

/** Everything SCEP enrollment needs, with the issuing CA loaded. */
export async function scepEnrollmentDeps(wiring: Wiring, validator: ChallengeValidator): Promise<ScepEnrollmentDeps> {
  const { config } = wiring;
  const approvalProfiles = new Set(Object.entries(config.profiles).filter(([, p]) => p.requireApproval).map(([id]) => id));
  return {
    uow: wiring.uow, ca: await wiring.issuingAuthority(), subject: wiring.subjectSettings, profiles: wiring.profiles,
    validator, clock: wiring.clock, principal: SCEP_PRINCIPAL,
    approval: { profiles: approvalProfiles, ttlMs: ms(config.scep.approvalTtl) },
    ...(wiring.crlForIssuer ? { crl: wiring.crlForIssuer } : {}),
  };
}

/** SCEP serves the device-generated profiles; encryption keys are generated centrally (escrow). */
export const SCEP_PROFILES = ['smime-signing', 'device-auth', 'smime-dual'] as const;

export function enrollmentServices(wiring: Wiring): Pick<Mcms, 'challenges' | 'approvals' | 'scep'> {
  const { uow, clock, config, profiles } = wiring;
  const challengeDeps = { uow, clock, profiles, maxTtlMs: ms(config.scep.challengeMaxTtl) };
  const validator = challengeValidator(wiring);
  let responder: Promise<enrollment.ScepResponder> | undefined;
  const scepResponder = () => {
    responder ??= enrollment.ScepResponder.load({ identities: wiring.store.read.identities, keys: wiring.keys });
    responder.catch(() => { responder = undefined; });
    return responder;
  };
  let scepDeps: Promise<ScepEnrollmentDeps> | undefined;
  const enrollmentDeps = () => {
    scepDeps ??= scepEnrollmentDeps(wiring, validator);
    scepDeps.catch(() => { scepDeps = undefined; });
    return scepDeps;
  };
  const completeWaitingWork = async (request: access.ApprovalRequest) => {
    if (request.kind === 'scep-enrollment') await enrollment.completeScepApproval(await enrollmentDeps(), request);
  };
  return {
    challenges: {
      create: (principal, input) => enrollment.createChallenge(challengeDeps, principal, {
        subscriber: input.subscriber, deviceId: input.deviceId, profile: input.profile ?? 'smime-signing',
        ttlMs: input.ttlMs ?? ms(config.scep.challengeTtl),
      }),
      list: (principal, subscriber) => enrollment.listChallenges(challengeDeps, principal, subscriber),
    },
    scep: {
      profiles: () => SCEP_PROFILES,
      capabilities: async () => (await scepResponder()).capabilities,
      caCertificates: async () => (await scepResponder()).caCertificates,
      pkiOperation: async (profile, message) => (await scepResponder()).pkiOperation(await enrollmentDeps(), profile, message),
    },
    approvals: {
      list: (principal, filter, page) => access.listApprovals({ uow }, principal, filter, page),
      show: (principal, id) => access.showApproval({ uow }, principal, id),
      vote: async (principal, input) => {
        const request = await access.castVote({ uow, clock }, principal, input);
        if (request.status !== 'open') await completeWaitingWork(request);
        return request;
      },
    },
  };
}
