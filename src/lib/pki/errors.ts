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
