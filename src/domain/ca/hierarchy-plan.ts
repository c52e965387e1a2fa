/**
 * What `mcms init` creates: the certificates of the CA hierarchy and of mcms's own service identities,
 * with the extensions RFC 5280 §4.2.1 and the S/MIME BR (§7.1.2.1, §7.1.2.2, §4.9.9 for the OCSP
 * signer's id-pkix-ocsp-nocheck) ask of each.
 */
import type { Extension, NameAttribute } from '../../lib/pki/index.js';
import {
  authorityInfoAccess, basicConstraints, crlDistributionPoints, extendedKeyUsage, idKpOCSPSigning, keyUsage, ocspNoCheck,
} from '../../lib/pki/index.js';
import type { IdentityRole, KeyAlgorithm } from './model.js';
import type { PublicationUrls } from './publication-urls.js';

export interface HierarchySettings {
  keyAlgorithm: KeyAlgorithm;
  rootName: string;
  issuingName: string;
  organization?: string | undefined;
  country?: string | undefined;
  rootValidityDays: number;
  issuingValidityDays: number;
  serviceValidityDays: number;
  ocspSignerValidityDays: number;
  baseUrl: string;
}

export interface IdentityPlan {
  id: string;
  role: IdentityRole;
  issuerId: string;
  keyAlgorithm: KeyAlgorithm;
  subject: NameAttribute[];
  validityDays: number;
  /** Extensions other than the key identifiers, which are added when the keys exist. */
  extensions: (urls: PublicationUrls) => Extension[];
}

function name(settings: HierarchySettings, commonName: string): NameAttribute[] {
  const attrs: NameAttribute[] = [];
  if (settings.country) attrs.push({ type: 'C', value: settings.country });
  if (settings.organization) attrs.push({ type: 'O', value: settings.organization });
  attrs.push({ type: 'CN', value: commonName });
  return attrs;
}

const statusPointers = (urls: PublicationUrls): Extension[] => [
  crlDistributionPoints([urls.crl]),
  authorityInfoAccess({ caIssuers: [urls.caIssuers], ocsp: [urls.ocsp] }),
];

/** SCEP key transport is RSA (RFC 8894 §3.5.2), and Apple devices verify profile signatures with RSA most reliably. */
const rsaFor = (algorithm: KeyAlgorithm): KeyAlgorithm => (algorithm.startsWith('rsa-') ? algorithm : 'rsa-2048');

export function hierarchyPlan(settings: HierarchySettings): IdentityPlan[] {
  const ca = settings.keyAlgorithm;
  return [
    { id: 'root', role: 'root-ca', issuerId: 'root', keyAlgorithm: ca, subject: name(settings, settings.rootName),
      validityDays: settings.rootValidityDays,
      extensions: () => [basicConstraints({ ca: true }, true), keyUsage(['keyCertSign', 'cRLSign'])] },
    { id: 'issuing', role: 'issuing-ca', issuerId: 'root', keyAlgorithm: ca, subject: name(settings, settings.issuingName),
      validityDays: settings.issuingValidityDays,
      extensions: (urls) => [basicConstraints({ ca: true, pathLength: 0 }, true), keyUsage(['keyCertSign', 'cRLSign']), ...statusPointers(urls)] },
    { id: 'scep-ra', role: 'scep-ra', issuerId: 'issuing', keyAlgorithm: rsaFor(ca), subject: name(settings, `${settings.issuingName} SCEP RA`),
      validityDays: settings.serviceValidityDays,
      extensions: (urls) => [keyUsage(['digitalSignature', 'keyEncipherment']), ...statusPointers(urls)] },
    { id: 'ocsp-signer', role: 'ocsp-signer', issuerId: 'issuing', keyAlgorithm: ca, subject: name(settings, `${settings.issuingName} OCSP Responder`),
      validityDays: settings.ocspSignerValidityDays,
      extensions: () => [keyUsage(['digitalSignature']), extendedKeyUsage([idKpOCSPSigning]), ocspNoCheck()] },
    { id: 'profile-signer', role: 'profile-signer', issuerId: 'issuing', keyAlgorithm: rsaFor(ca),
      subject: name(settings, `${settings.issuingName} Profile Signing`), validityDays: settings.serviceValidityDays,
      extensions: (urls) => [keyUsage(['digitalSignature']), ...statusPointers(urls)] },
  ];
}
