/**
 * Certificate extensions (RFC 5280 §4.2): the envelope and every encoder we issue, in one place.
 */
export { encodeExtensions, encodeExtensionsTagged } from './extension.js';
export type { Extension } from './extension.js';
export {
  authorityKeyIdentifier, basicConstraints, extendedKeyUsage, keyUsage, keyUsageBits, subjectKeyIdentifier,
} from './key-extensions.js';
export type { KeyUsageBit } from './key-extensions.js';
export {
  authorityInfoAccess, certificatePolicies, crlDistributionPoints, ocspNoCheck, subjectAltName,
} from './pkix-extensions.js';
export type { AltNames, PolicyInformation } from './pkix-extensions.js';
export { dnsName, readRfc822Names, rfc822Name, uniformResourceIdentifier } from './general-names.js';
