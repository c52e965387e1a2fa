/**
 * Object identifiers of PKCS #12 files, named after their ASN.1 value names: RFC 7292 §4.2 bag types
 * and Appendix C PBE algorithms, RFC 2985 §5.5 attributes (friendlyName, localKeyId) and certTypes,
 * RFC 5652 §14 content types, RFC 8018 Appendix C (PBES2, PBKDF2, PRFs) and the CBC ciphers of
 * RFC 3565 §4.1 and RFC 8018 Appendix B.2.2. The hash identifiers are in ../oids.ts.
 */

// RFC 5652 §14 content types of the AuthenticatedSafe (pkcs-7 = 1.2.840.113549.1.7)
export const idData = '1.2.840.113549.1.7.1';
export const idSignedData = '1.2.840.113549.1.7.2';
export const idEnvelopedData = '1.2.840.113549.1.7.3';
export const idEncryptedData = '1.2.840.113549.1.7.6';

// RFC 7292 §4.2 bag types (bagtypes = pkcs-12 10 1)
export const keyBag = '1.2.840.113549.1.12.10.1.1';
export const pkcs8ShroudedKeyBag = '1.2.840.113549.1.12.10.1.2';
export const certBag = '1.2.840.113549.1.12.10.1.3';
export const crlBag = '1.2.840.113549.1.12.10.1.4';
export const secretBag = '1.2.840.113549.1.12.10.1.5';
export const safeContentsBag = '1.2.840.113549.1.12.10.1.6';

// RFC 2985 §5.5.1, §5.5.2 attributes and RFC 7292 §4.2.3 certTypes (pkcs-9 = 1.2.840.113549.1.9)
export const pkcs9AtFriendlyName = '1.2.840.113549.1.9.20';
export const pkcs9AtLocalKeyId = '1.2.840.113549.1.9.21';
export const x509Certificate = '1.2.840.113549.1.9.22.1';

// RFC 7292 Appendix C PBE algorithms (pkcs-12PbeIds = pkcs-12 1)
export const pbeWithSHAAnd128BitRC4 = '1.2.840.113549.1.12.1.1';
export const pbeWithSHAAnd40BitRC4 = '1.2.840.113549.1.12.1.2';
export const pbeWithSHAAnd3KeyTripleDESCBC = '1.2.840.113549.1.12.1.3';
export const pbeWithSHAAnd2KeyTripleDESCBC = '1.2.840.113549.1.12.1.4';
export const pbeWithSHAAnd128BitRC2CBC = '1.2.840.113549.1.12.1.5';
export const pbewithSHAAnd40BitRC2CBC = '1.2.840.113549.1.12.1.6';

// RFC 8018 Appendix C (pkcs-5 = 1.2.840.113549.1.5, digestAlgorithm = 1.2.840.113549.2)
export const idPBKDF2 = '1.2.840.113549.1.5.12';
export const idPBES2 = '1.2.840.113549.1.5.13';
/** RFC 9579 PBMAC1: a PBKDF2-based PKCS #12 MAC (OpenSSL 3.4+ `-pbmac1_pbkdf2`). */
export const idPBMAC1 = '1.2.840.113549.1.5.14';
export const idHmacWithSHA1 = '1.2.840.113549.2.7';
export const idHmacWithSHA224 = '1.2.840.113549.2.8';
export const idHmacWithSHA256 = '1.2.840.113549.2.9';
export const idHmacWithSHA384 = '1.2.840.113549.2.10';
export const idHmacWithSHA512 = '1.2.840.113549.2.11';

// Encryption schemes under PBES2 (parameters: the IV as an OCTET STRING)
export const desEde3Cbc = '1.2.840.113549.3.7';
export const idAes128CBC = '2.16.840.1.101.3.4.1.2';
export const idAes192CBC = '2.16.840.1.101.3.4.1.22';
export const idAes256CBC = '2.16.840.1.101.3.4.1.42';
