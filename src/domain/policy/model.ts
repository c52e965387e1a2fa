/**
 * Certificate profiles after the CA/Browser Forum S/MIME Baseline Requirements (§7.1.2.3; see
 * shared/specs/smime-mobile-notes.md §6): which key usages, extended key usages and policy OID a
 * certificate of each kind carries, by generation (strict or multipurpose) and key type.
 */

export const PROFILE_IDS = ['smime-signing', 'smime-encryption', 'smime-dual', 'device-auth'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

export const GENERATIONS = ['strict', 'multipurpose'] as const;
export type Generation = (typeof GENERATIONS)[number];

/** S/MIME BR §7.1.4.2 validation types mcms issues: the mailbox alone, or a person sponsored by an organisation. */
export const VALIDATION_TYPES = ['mailbox', 'sponsor'] as const;
export type ValidationType = (typeof VALIDATION_TYPES)[number];

/** S/MIME BR §6.3.2: at most 825 days for strict and multipurpose certificates. */
export const MAX_VALIDITY_DAYS = 825;

export interface ProfileSettings {
  generation: Generation;
  validityDays: number;
}

/** What a profile gives a certificate, whatever its key. */
export interface CertificateProfile {
  id: ProfileId;
  generation: Generation;
  validityDays: number;
  /** Certificate policy OID: the S/MIME BR reserved OID for the validation type and generation. */
  policyOid: string;
  extendedKeyUsage: string[];
  /** For the profile's purpose: signing, key management (encryption) or both. */
  purpose: 'signing' | 'key-management' | 'dual-use';
  description: string;
}
