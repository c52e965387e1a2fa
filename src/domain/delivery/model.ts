/**
 * Device delivery (DESIGN.md steps 2–4): enrollment links mailed to a person's mailbox, and the signed
 * (and, when the device's identity is known, encrypted) configuration profile a link delivers.
 */
import type { MailAccountSettings } from '../mobileconfig/index.js';

export type EnrollmentLinkStatus = 'open' | 'used' | 'revoked';

/**
 * A single-use, expiring link to `/enroll/<token>`. The token is `<id>.<secret>`: the id finds the
 * record, the secret is compared in constant time; only the secret's SHA-256 is stored.
 */
export interface EnrollmentLink {
  id: string;
  subscriberId: string;
  /** The device the link enrolls; null until the link is used, when a device is registered for it. */
  deviceId: string | null;
  secretHash: string;
  status: EnrollmentLinkStatus;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** When the invitation was handed to the mail server; null if it was not mailed. */
  mailedAt: Date | null;
}

export interface DeliverySettings {
  baseUrl: string;
  organization: string;
  /** Reverse-DNS prefix of payload identifiers. */
  identifierPrefix: string;
  mailAccount: MailAccountSettings;
  /** The certificate profile of the device-made key: signing only, or signing and encryption. */
  signingProfile: 'smime-signing' | 'smime-dual';
  linkTtlMs: number;
  /** Lifetime of the SCEP challenge put into a profile. */
  challengeTtlMs: number;
  /** Over-the-air enrollment (Apple Profile Service, phases 1–3), used by links when enabled. */
  ota: OtaSettings;
}

export interface OtaSettings {
  enabled: boolean;
  /**
   * The trust anchor of devices' built-in identities (for iPhones, Apple's "Apple iPhone Device CA"):
   * a phase-1 signer certificate must carry a valid signature by this certificate's key. Only the key
   * is used: Apple's CA expired in 2014, so validity dates are not enforced (§3).
   */
  deviceCa: Buffer | null;
  sessionTtlMs: number;
  /** PayloadExpirationDate of the delivered profile, counted from delivery. */
  profileTtlMs: number;
}

/** What a profile build gives back: the signed profile and what went into it (never key material). */
export interface BuiltProfile {
  /** DER CMS SignedData of the XML plist, served as `application/x-apple-aspen-config`. */
  mobileconfig: Buffer;
  identifier: string;
  subscriberId: string;
  deviceId: string;
  mailbox: string;
  /** Serials of the encryption identities in the profile; the first is current. */
  encryptionSerials: string[];
  /** Serial of the device identity certificate the payloads were encrypted to, or null. */
  encryptedTo: string | null;
  challengeExpiresAt: Date;
}

/** What an invitation returns: the link (shown once) and whether it was mailed. */
export interface Invitation {
  link: EnrollmentLink;
  url: string;
  mailed: boolean;
  /** Why it was not mailed (mail not configured, or the server refused), for the operator. */
  mailProblem: string | null;
}

export type OtaSessionStatus = 'open' | 'attested' | 'delivered' | 'revoked';

/**
 * An over-the-air enrollment (Apple Profile Service, smime-mobile-notes §3) for one device: opened by
 * an enrollment link (its challenge goes into the Profile Service payload), attested when the device
 * returns the challenge signed by its Apple device identity (phase 1), delivered when the device,
 * signing with the identity mcms issued it over SCEP (phase 2), fetches its profile (phase 3).
 */
export interface OtaSession {
  id: string;
  subscriberId: string;
  deviceId: string;
  secretHash: string;
  status: OtaSessionStatus;
  udid: string | null;
  product: string | null;
  osVersion: string | null;
  createdAt: Date;
  expiresAt: Date;
  attestedAt: Date | null;
  deliveredAt: Date | null;
}
