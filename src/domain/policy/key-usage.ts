/**
 * keyUsage by purpose and key type, S/MIME BR §7.1.2.3 (e): RSA signing-only is digitalSignature (+
 * nonRepudiation), key management is keyEncipherment, dual use both; for EC keys key management is
 * keyAgreement. "Other bits SHALL NOT be set."
 */
import type { KeyUsageBit, PublicKeyInfo } from '../../lib/pki/index.js';
import { DomainError } from '../errors.js';
import type { PolicyErrorCode } from './errors.js';
import type { CertificateProfile } from './model.js';

export function keyUsageFor(profile: CertificateProfile, key: PublicKeyInfo): KeyUsageBit[] {
  const management: KeyUsageBit = key.kind === 'ec' ? 'keyAgreement' : 'keyEncipherment';
  switch (profile.purpose) {
    case 'signing':
      return profile.id === 'device-auth' ? ['digitalSignature'] : ['digitalSignature', 'nonRepudiation'];
    case 'key-management':
      return [management];
    case 'dual-use':
      return ['digitalSignature', management];
  }
}

/**
 * Subscriber keys mcms certifies: RSA of 2048 bits or more (a multiple of 8, odd public exponent
 * of at least 65537), or ECDSA on P-256 or P-384 (S/MIME BR §6.1.5). Returns the key when accepted.
 */
export function checkSubscriberKey(key: PublicKeyInfo): PublicKeyInfo {
  const reject = (message: string) => new DomainError<PolicyErrorCode>('key.rejected', message);
  if (key.kind === 'rsa') {
    if (key.bits < 2048) throw reject(`RSA key of ${key.bits} bits is too short (minimum 2048)`);
    if (key.bits > 8192 || key.bits % 8 !== 0) throw reject(`RSA key of ${key.bits} bits is not allowed (2048-8192, multiple of 8)`);
    if (key.exponent < 65537n || key.exponent % 2n === 0n) throw reject('RSA public exponent must be odd and at least 65537');
    return key;
  }
  if (key.kind === 'ec') {
    if (key.curve === 'P-256' || key.curve === 'P-384') return key;
    throw reject(`EC curve ${key.curve} is not allowed (P-256, P-384)`);
  }
  throw reject(`${key.kind} keys are not allowed (RSA 2048+, P-256, P-384)`);
}
