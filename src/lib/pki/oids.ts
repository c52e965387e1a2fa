/**
 * Object identifiers, named after their ASN.1 value names in the defining RFC (camelCased:
 * `id-kp-emailProtection` is `idKpEmailProtection`). Sources: RFC 5280 Appendix A (PKIX), RFC 8017
 * Appendix C (PKCS #1), RFC 5480 and RFC 5758 (ECC), RFC 8410 (EdDSA), RFC 2985 (PKCS #9),
 * RFC 6960 §4.2.2.2.1 (OCSP), X.520 (attribute types) and the CA/Browser Forum S/MIME BR §7.1.6.1.
 */

// RFC 5280 §4.2.1 certificate extensions (id-ce = 2.5.29)
export const idCeSubjectKeyIdentifier = '2.5.29.14';
export const idCeKeyUsage = '2.5.29.15';
export const idCeSubjectAltName = '2.5.29.17';
export const idCeBasicConstraints = '2.5.29.19';
export const idCeCRLNumber = '2.5.29.20';
export const idCeCRLReasons = '2.5.29.21';
export const idCeCRLDistributionPoints = '2.5.29.31';
export const idCeCertificatePolicies = '2.5.29.32';
export const anyPolicy = '2.5.29.32.0';
export const idCeAuthorityKeyIdentifier = '2.5.29.35';
export const idCeExtKeyUsage = '2.5.29.37';

// RFC 5280 §4.2.2.1, §4.2.1.4, §4.2.1.12 (id-pkix = 1.3.6.1.5.5.7)
export const idPeAuthorityInfoAccess = '1.3.6.1.5.5.7.1.1';
export const idQtCps = '1.3.6.1.5.5.7.2.1';
export const idKpClientAuth = '1.3.6.1.5.5.7.3.2';
export const idKpEmailProtection = '1.3.6.1.5.5.7.3.4';
export const idKpOCSPSigning = '1.3.6.1.5.5.7.3.9';
export const idAdOcsp = '1.3.6.1.5.5.7.48.1';
export const idAdCaIssuers = '1.3.6.1.5.5.7.48.2';
/** RFC 6960 §4.2.2.2.1: the responder certificate need not be checked for revocation. */
export const idPkixOcspNocheck = '1.3.6.1.5.5.7.48.1.5';

// RFC 8017 Appendix C: RSA keys and PKCS #1 signatures
export const rsaEncryption = '1.2.840.113549.1.1.1';
export const sha1WithRSAEncryption = '1.2.840.113549.1.1.5';
export const idMgf1 = '1.2.840.113549.1.1.8';
export const idRSASSAPSS = '1.2.840.113549.1.1.10';
export const sha256WithRSAEncryption = '1.2.840.113549.1.1.11';
export const sha384WithRSAEncryption = '1.2.840.113549.1.1.12';
export const sha512WithRSAEncryption = '1.2.840.113549.1.1.13';
export const sha224WithRSAEncryption = '1.2.840.113549.1.1.14';

// RFC 5480 §2.1.1 keys and curves, RFC 5758 §3.2 and RFC 3279 §2.2.3 ECDSA signatures
export const idEcPublicKey = '1.2.840.10045.2.1';
export const secp256r1 = '1.2.840.10045.3.1.7';
export const secp384r1 = '1.3.132.0.34';
export const secp521r1 = '1.3.132.0.35';
export const ecdsaWithSHA1 = '1.2.840.10045.4.1';
export const ecdsaWithSHA224 = '1.2.840.10045.4.3.1';
export const ecdsaWithSHA256 = '1.2.840.10045.4.3.2';
export const ecdsaWithSHA384 = '1.2.840.10045.4.3.3';
export const ecdsaWithSHA512 = '1.2.840.10045.4.3.4';

// RFC 8410 §3: EdDSA keys and signatures
export const idEd25519 = '1.3.101.112';
export const idEd448 = '1.3.101.113';

// Hash algorithms (RFC 3279 §2.1, RFC 5754 §2), as named inside RSASSA-PSS parameters
export const idSha1 = '1.3.14.3.2.26';
export const idSha224 = '2.16.840.1.101.3.4.2.4';
export const idSha256 = '2.16.840.1.101.3.4.2.1';
export const idSha384 = '2.16.840.1.101.3.4.2.2';
export const idSha512 = '2.16.840.1.101.3.4.2.3';

// X.520 / RFC 5280 Appendix A attribute types (id-at = 2.5.4)
export const idAtCommonName = '2.5.4.3';
export const idAtSurname = '2.5.4.4';
export const idAtSerialNumber = '2.5.4.5';
export const idAtCountryName = '2.5.4.6';
export const idAtLocalityName = '2.5.4.7';
export const idAtStateOrProvinceName = '2.5.4.8';
export const idAtStreetAddress = '2.5.4.9';
export const idAtOrganizationName = '2.5.4.10';
export const idAtOrganizationalUnitName = '2.5.4.11';
export const idAtTitle = '2.5.4.12';
export const idAtGivenName = '2.5.4.42';
export const idAtPseudonym = '2.5.4.65';
export const idAtOrganizationIdentifier = '2.5.4.97';
/** RFC 4519 §2.4 domainComponent and §2.39 uid. */
export const idDomainComponent = '0.9.2342.19200300.100.1.25';
export const idUserId = '0.9.2342.19200300.100.1.1';

// RFC 2985 §5.4 PKCS #9 attributes (pkcs-9 = 1.2.840.113549.1.9)
/** RFC 5280 Appendix A `id-emailAddress` (legacy; S/MIME BR prefer the SAN). */
export const idEmailAddress = '1.2.840.113549.1.9.1';
export const pkcs9AtChallengePassword = '1.2.840.113549.1.9.7';
export const pkcs9AtExtensionRequest = '1.2.840.113549.1.9.14';
/** Microsoft's pre-standard twin of extensionRequest, still sent by some Windows tooling. */
export const msCertExtensions = '1.3.6.1.4.1.311.2.1.14';

export type SmimeValidationType = 'mailbox' | 'organization' | 'sponsor' | 'individual';
export type SmimeGeneration = 'legacy' | 'multipurpose' | 'strict';

const smimeTypeArc = { mailbox: 1, organization: 2, sponsor: 3, individual: 4 } satisfies Record<SmimeValidationType, number>;
const smimeGenerationArc = { legacy: 1, multipurpose: 2, strict: 3 } satisfies Record<SmimeGeneration, number>;

/** CA/B Forum S/MIME BR §7.1.6.1 reserved policy OIDs: 2.23.140.1.5.<type>.<generation>. */
export function smimePolicyOid(type: SmimeValidationType, generation: SmimeGeneration): string {
  return `2.23.140.1.5.${smimeTypeArc[type]}.${smimeGenerationArc[generation]}`;
}
