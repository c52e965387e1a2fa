/**
 * Errors raised by the PKI building blocks. Codes are neutral and stable (an edge maps them with one
 * exhaustive table); messages are short, specific and safe to show to whoever sent the input: they
 * name what is wrong, never echo the input or an internal stack.
 */

export const pkiErrorCodes = [
  'pem.invalid',
  'der.malformed',
  /** A value our encoder refuses: not representable in its ASN.1 type or outside RFC 5280 bounds. */
  'der.unencodable',
  'csr.malformed',
  'csr.bad-signature',
  /** The CSR is signed with an algorithm we do not verify. */
  'csr.unsupported-algorithm',
  'key.unsupported',
  /** CMS (RFC 5652) input that is not a well-formed SignedData or EnvelopedData. */
  'cms.malformed',
  'cms.bad-signature',
  /** A CMS digest, signature, key transport or content-encryption algorithm we do not handle. */
  'cms.unsupported-algorithm',
  /** Any failure to open an EnvelopedData; always the same message, so it is no padding oracle. */
  'cms.decrypt-failed',
  /** Not a SCEP pkiMessage (RFC 8894 §3.2): wrong structure, or a missing or invalid attribute. */
  'scep.malformed',
  /** A PKCS#12 password that is empty (iOS and macOS read empty-password files differently) or not valid text. */
  'pkcs12.unusable-password',
  /** What buildPkcs12 was given: no identity, a key not matching its certificate, a bad iteration count, … */
  'pkcs12.invalid-input',
  /** The PKCS#12 MAC does not verify under this password: a wrong password, or an altered file. */
  'pkcs12.bad-password',
  'pkcs12.malformed',
  /** A PKCS#12 file in a mode or with an algorithm we do not read (RC2/RC4, public-key integrity, PBMAC1, …). */
  'pkcs12.unsupported',
] as const;

export type PkiErrorCode = (typeof pkiErrorCodes)[number];

export class PkiError extends Error {
  override readonly name = 'PkiError';

  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
