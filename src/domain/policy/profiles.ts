/**
 * The profile catalogue. S/MIME BR §7.1.2.3 (f): strict certificates carry id-kp-emailProtection only;
 * multipurpose ones may add id-kp-clientAuth. A device-authentication certificate therefore only exists
 * in the multipurpose generation (strict S/MIME forbids clientAuth).
 */
import { idKpClientAuth, idKpEmailProtection, smimePolicyOid } from '../../lib/pki/index.js';
import { DomainError } from '../errors.js';
import type { PolicyErrorCode } from './errors.js';
import type { CertificateProfile, Generation, ProfileId, ProfileSettings, ValidationType } from './model.js';
import { MAX_VALIDITY_DAYS, PROFILE_IDS } from './model.js';

interface ProfileShape {
  purpose: CertificateProfile['purpose'];
  clientAuth: boolean;
  generations: readonly Generation[];
  description: string;
}

const SHAPES = {
  'smime-signing': { purpose: 'signing', clientAuth: false, generations: ['strict', 'multipurpose'],
    description: 'S/MIME signing; key generated on the device (SCEP)' },
  'smime-encryption': { purpose: 'key-management', clientAuth: false, generations: ['strict', 'multipurpose'],
    description: 'S/MIME encryption; key generated centrally and archived' },
  'smime-dual': { purpose: 'dual-use', clientAuth: false, generations: ['strict', 'multipurpose'],
    description: 'S/MIME signing and encryption with one key' },
  'device-auth': { purpose: 'signing', clientAuth: true, generations: ['multipurpose'],
    description: 'device authentication (TLS client, 802.1X) plus S/MIME signing' },
} as const satisfies Record<ProfileId, ProfileShape>;

export function isProfileId(value: string): value is ProfileId {
  return (PROFILE_IDS as readonly string[]).includes(value);
}

/** Checks one profile's settings; returns a problem in words, or null. Used by config validation too. */
export function profileSettingsProblem(id: ProfileId, settings: ProfileSettings): string | null {
  const shape: ProfileShape = SHAPES[id];
  if (!shape.generations.includes(settings.generation)) {
    return `${id} cannot be ${settings.generation}: allowed ${shape.generations.join(', ')}`;
  }
  if (!Number.isInteger(settings.validityDays) || settings.validityDays < 1 || settings.validityDays > MAX_VALIDITY_DAYS) {
    return `${id} validity must be 1..${MAX_VALIDITY_DAYS} days`;
  }
  return null;
}

export function buildProfile(id: ProfileId, settings: ProfileSettings, validation: ValidationType): CertificateProfile {
  const problem = profileSettingsProblem(id, settings);
  if (problem) throw new DomainError<PolicyErrorCode>('profile.invalid', problem);
  const shape: ProfileShape = SHAPES[id];
  const extendedKeyUsage: string[] = [idKpEmailProtection];
  if (shape.clientAuth) extendedKeyUsage.push(idKpClientAuth);
  return {
    id,
    generation: settings.generation,
    validityDays: settings.validityDays,
    policyOid: smimePolicyOid(validation, settings.generation),
    extendedKeyUsage,
    purpose: shape.purpose,
    description: shape.description,
  };
}

export class ProfileCatalog {
  private readonly profiles: Map<ProfileId, CertificateProfile>;

  constructor(settings: Record<ProfileId, ProfileSettings>, validation: ValidationType) {
    this.profiles = new Map(PROFILE_IDS.map((id) => [id, buildProfile(id, settings[id], validation)]));
  }

  get(id: string): CertificateProfile {
    const profile = isProfileId(id) ? this.profiles.get(id) : undefined;
    if (!profile) {
      throw new DomainError<PolicyErrorCode>('profile.unknown', `unknown certificate profile "${id}" (${PROFILE_IDS.join(', ')})`);
    }
    return profile;
  }

  all(): CertificateProfile[] {
    return [...this.profiles.values()];
  }
}
