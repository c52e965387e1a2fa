/** Binds the device-delivery use cases: profiles, enrollment links and their mail, re-delivery, OTA enrollment. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/index.js';
import type { Principal } from '../domain/access/index.js';
import type { DeliveryDeps, DeliverySettings, Invitation } from '../domain/delivery/index.js';
import * as delivery from '../domain/delivery/index.js';
import { isDomainError } from '../domain/errors.js';
import type { MailAccountSettings } from '../domain/mobileconfig/index.js';
import { identifierPrefixFor } from '../domain/mobileconfig/index.js';
import type { Mcms } from '../entrypoints/services.js';
import { parseDuration } from '../lib/duration.js';
import { derOrPem } from '../lib/pki/index.js';
import type { Config } from '../config/index.js';
import type { EscrowDeps } from '../domain/escrow/index.js';
import type { Wiring } from './wiring.js';

export const LINK_PRINCIPAL: Principal = { actor: { kind: 'system', id: 'enrollment-link', name: 'enrollment link' }, role: 'officer', operatorId: null };

const ms = (text: string) => parseDuration(text)!;

export function mailAccountSettings(config: Config): MailAccountSettings {
  const { delivery: d } = config;
  if (d.mailAccount === 'imap') {
    return {
      kind: 'imap', incomingHost: d.imap.incomingHost!, incomingPort: d.imap.incomingPort, incomingSsl: d.imap.incomingSsl,
      outgoingHost: d.imap.outgoingHost!, outgoingPort: d.imap.outgoingPort, outgoingSsl: d.imap.outgoingSsl, userName: d.imap.userName,
    };
  }
  if (d.mailAccount === 'exchange') return { kind: 'exchange', host: d.exchange.host!, ssl: d.exchange.ssl, userName: d.exchange.userName };
  return { kind: 'none' };
}

export function deliverySettings(config: Config, deviceCa?: Buffer): DeliverySettings {
  return {
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    organization: config.delivery.organization ?? config.ca.organization ?? 'mcms',
    identifierPrefix: config.delivery.identifierPrefix ?? identifierPrefixFor(config.baseUrl),
    mailAccount: mailAccountSettings(config),
    signingProfile: config.delivery.signingProfile,
    linkTtlMs: ms(config.delivery.linkTtl),
    challengeTtlMs: ms(config.delivery.profileChallengeTtl),
    ota: {
      enabled: config.delivery.ota.enabled, deviceCa: deviceCa ?? null,
      sessionTtlMs: ms(config.delivery.ota.sessionTtl), profileTtlMs: ms(config.delivery.ota.profileTtl),
    },
  };
}

/** The device CA of `delivery.ota.deviceCaFile` (PEM or DER), read once at start. */
export function readDeviceCa(config: Config): Buffer | undefined {
  const file = config.delivery.ota.deviceCaFile;
  if (!config.delivery.ota.enabled || !file) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConfigError(`invalid configuration: delivery.ota.deviceCaFile (MCMS_DELIVERY_OTA_DEVICE_CA_FILE): cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const der = derOrPem(bytes, 'CERTIFICATE');
    new X509Certificate(der);
    return der;
  } catch {
    throw new ConfigError(`invalid configuration: delivery.ota.deviceCaFile (MCMS_DELIVERY_OTA_DEVICE_CA_FILE): ${file} holds no X.509 certificate`);
  }
}

export function deliveryDeps(wiring: Wiring, escrowDeps: () => Promise<EscrowDeps>): DeliveryDeps {
  const { config, clock } = wiring;
  return {
    uow: wiring.uow, identities: wiring.store.read.identities, keys: wiring.keys, escrow: escrowDeps,
    challenges: { uow: wiring.uow, clock, profiles: wiring.profiles, maxTtlMs: ms(config.scep.challengeMaxTtl) },
    subject: wiring.subjectSettings, clock, mailer: wiring.mailer, settings: deliverySettings(config, readDeviceCa(config)), linkPrincipal: LINK_PRINCIPAL,
  };
}

/**
 * The escrow use cases that change a person's current identity, followed by re-delivery when
 * `delivery.redeliverOnRekey` is on and mail is configured: each of the person's active devices is
 * mailed a new link (the identity is committed first; a refusal to re-deliver does not undo it).
 */
function redeliveringEscrow(wiring: Wiring, deps: DeliveryDeps, escrow: Mcms['escrow']): Mcms['escrow'] {
  if (!wiring.config.delivery.redeliverOnRekey || !wiring.mailer.configured) return escrow;
  const redeliver = async (principal: Principal, subscriberId: string | null) => {
    // System flows (expiry's renew-escrow) deliver through their own seam, once.
    if (!subscriberId || principal.actor.kind === 'system') return;
    const devices = await wiring.store.read.devices.listBySubscriber(subscriberId);
    if (!devices.some((d) => d.status === 'active')) return;
    await delivery.redeliverProfiles(deps, principal, subscriberId).catch((error: unknown) => {
      if (!isDomainError(error)) throw error;
    });
  };
  return {
    ...escrow,
    generate: async (principal, input) => {
      const generated = await escrow.generate(principal, input);
      await redeliver(principal, generated.certificate.subscriberId);
      return generated;
    },
    recertify: async (principal, input) => {
      const generated = await escrow.recertify(principal, input);
      await redeliver(principal, generated.certificate.subscriberId);
      return generated;
    },
  };
}

/** The transaction repositories revokeEnrollmentLinks works on (the store's, at run time). */
export type LinkRepositories = Parameters<typeof delivery.revokeEnrollmentLinks>[0];

/** What device delivery offers other modules' seams (revocation, expiry), wired in open-mcms.ts. */
export interface DeliverySeams {
  /** Inside a revocation's transaction: close the person's (or the device's) open links and OTA sessions. */
  revokeLinksInTransaction(tx: LinkRepositories, target: { subscriberId: string; deviceId?: string | undefined }): Promise<void>;
  /** After a lost device: a link for a replacement device, mailed; nothing when mail is not configured. */
  inviteReplacement(principal: Principal, input: { subscriberId: string; lostDeviceId: string }): Promise<void>;
  /** Expiry's renew-escrow: new links for the person's active devices; a one-line outcome. */
  redeliver(subscriberId: string): Promise<string>;
  /** Expiry's remind-device: a new link for the device (a new device if it is gone); a one-line outcome. */
  reinvite(subscriberId: string, deviceId: string | null): Promise<string>;
}

/**
 * A one-line outcome for expiry's action log. When mail is configured and a link could not be mailed,
 * it throws instead, so the action stays in expiry's outbox and is retried (a retry makes a new link;
 * the unmailed one was never shown to anybody and lapses with its TTL).
 */
function outcome(invitations: Invitation[], mailConfigured: boolean): string {
  const failed = invitations.find((i) => !i.mailed);
  if (mailConfigured && failed) throw new Error(`enrollment link not mailed: ${failed.mailProblem ?? 'unknown reason'}`);
  const mailed = invitations.filter((i) => i.mailed).length;
  if (mailed === invitations.length) return `${mailed} enrollment link${mailed === 1 ? '' : 's'} mailed`;
  return `${invitations.length} enrollment link(s), ${mailed} mailed: ${invitations.find((i) => !i.mailed)?.mailProblem ?? ''}`;
}

export function deliverySeams(wiring: Wiring, deps: DeliveryDeps): DeliverySeams {
  return {
    revokeLinksInTransaction: async (tx, target) => {
      await delivery.revokeEnrollmentLinks(tx, target);
    },
    inviteReplacement: async (principal, input) => {
      if (!wiring.mailer.configured) return;
      await delivery.inviteSubscriber(deps, principal, { subscriber: input.subscriberId });
    },
    redeliver: async (subscriberId) => outcome(await delivery.redeliverProfiles(deps, LINK_PRINCIPAL, subscriberId), wiring.mailer.configured),
    reinvite: async (subscriberId, deviceId) => {
      const device = deviceId ? await wiring.store.read.devices.findById(deviceId) : null;
      const invitation = await delivery.inviteSubscriber(deps, LINK_PRINCIPAL, { subscriber: subscriberId, deviceId: device?.status === 'active' ? device.id : undefined });
      return outcome([invitation], wiring.mailer.configured);
    },
  };
}

export function deliveryServices(wiring: Wiring, escrowDeps: () => Promise<EscrowDeps>, escrow: Mcms['escrow']): Pick<Mcms, 'delivery' | 'escrow'> & { seams: DeliverySeams } {
  const deps = deliveryDeps(wiring, escrowDeps);
  return {
    seams: deliverySeams(wiring, deps),
    escrow: redeliveringEscrow(wiring, deps, escrow),
    delivery: {
      buildProfile: (principal, input) => delivery.buildDeviceProfile(deps, principal, input),
      invite: (principal, input) => delivery.inviteSubscriber(deps, principal, input),
      links: (principal, subscriber) => delivery.listLinks(deps, principal, subscriber),
      revokeLinks: (principal, input) => delivery.revokeLinks(deps, principal, input),
      redeliver: (principal, subscriber) => delivery.redeliverProfiles(deps, principal, subscriber),
      openLink: (token) => delivery.openEnrollmentLink(deps, token),
      downloadProfile: (token) => delivery.downloadProfile(deps, token),
      ota: {
        start: (token) => delivery.startOtaEnrollment(deps, token),
        request: (body) => delivery.handleOtaRequest(deps, body),
      },
    },
  };
}
