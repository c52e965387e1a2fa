/**
 * PKCS #12 (RFC 7292, with RFC 8018 PBES2): building the files that deliver centrally generated
 * S/MIME keys to phones and desktops, reading them back, and the passwords that protect them.
 */
export { buildPkcs12 } from './build-pkcs12.js';
export type { Pkcs12BuildInput, Pkcs12Variant } from './build-pkcs12.js';
export type { Pkcs12IdentityInput } from './identity-input.js';
export { newPkcs12Password } from './password.js';
export { readPkcs12 } from './read-pkcs12.js';
export type { Pkcs12Contents, Pkcs12Identity } from './read-pkcs12.js';
