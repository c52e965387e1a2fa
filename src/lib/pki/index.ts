/**
 * The PKI building blocks: DER encoding and reading, names, keys, extensions, certificates and
 * PKCS#10 requests (RFC 5280, RFC 2986, RFC 7468, X.690), CMS SignedData and EnvelopedData
 * (RFC 5652) and SCEP messages (RFC 8894). No I/O; every primitive is node:crypto.
 */
export * from './errors.js';
export * from './der.js';
export * from './oids.js';
export * from './pem.js';
export * from './name.js';
export * from './public-key.js';
export * from './extensions.js';
export * from './certificate.js';
export * from './serial.js';
export * from './csr.js';
export * from './pkcs12/index.js';
export * from './cms/index.js';
export * from './scep/index.js';
export * from './crl.js';
export * from './ocsp.js';
