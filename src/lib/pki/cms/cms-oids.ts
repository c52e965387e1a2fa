/**
 * Object identifiers of the Cryptographic Message Syntax, named after their ASN.1 value names:
 * content types and attributes (RFC 5652 §14 and §11), and the content-encryption algorithms we
 * read and write (RFC 8018 Appendix B.2.1 desCBC, RFC 3370 §5.1 des-ede3-cbc, RFC 3565 §4.1 AES-CBC).
 * The PKIX and PKCS #1 identifiers they sit next to are in ../oids.ts.
 */

// RFC 5652 §14: content types (pkcs-7 = 1.2.840.113549.1.7)
export const idData = '1.2.840.113549.1.7.1';
export const idSignedData = '1.2.840.113549.1.7.2';
export const idEnvelopedData = '1.2.840.113549.1.7.3';

// RFC 5652 §11: attributes (pkcs-9 = 1.2.840.113549.1.9)
export const idContentType = '1.2.840.113549.1.9.3';
export const idMessageDigest = '1.2.840.113549.1.9.4';
export const idSigningTime = '1.2.840.113549.1.9.5';

// Content-encryption algorithms (CBC mode; the parameters are the IV as an OCTET STRING)
export const desCBC = '1.3.14.3.2.7';
export const desEde3Cbc = '1.2.840.113549.3.7';
export const idAes128CBC = '2.16.840.1.101.3.4.1.2';
export const idAes192CBC = '2.16.840.1.101.3.4.1.22';
export const idAes256CBC = '2.16.840.1.101.3.4.1.42';
