/**
 * How the PKCS #12 reader walks its input: leniently (BER: indefinite lengths, constructed OCTET
 * STRINGs, as Java and Windows write them), with AlgorithmIdentifier (RFC 5280 §4.1.1.2) and OCTET
 * STRING helpers, and one error translation so that nothing but a PkiError('pkcs12.*') escapes.
 */
import { expectTag, readChildren, readOid, stringOctets } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';

export const lenient = { ber: true } as const;

export interface AlgorithmIdentifier {
  oid: string;
  parameters?: Tlv;
}

export function malformed(message: string): never {
  throw new PkiError('pkcs12.malformed', message);
}

export function readAlgorithmIdentifier(buf: Buffer, element: Tlv | undefined, what: string): AlgorithmIdentifier {
  const [algorithm, parameters, extra] = readChildren(buf, expectTag(element, 0x30, what), lenient);
  if (extra) malformed(`${what} has extra fields`);
  const oid = readOid(buf, expectTag(algorithm, 0x06, `${what} algorithm`));
  return parameters ? { oid, parameters } : { oid };
}

/** Parameters that must be absent or NULL (hash and HMAC identifiers). */
export function hasNoParameters(algorithm: AlgorithmIdentifier): boolean {
  return algorithm.parameters === undefined || (algorithm.parameters.tag === 0x05 && algorithm.parameters.length === 0);
}

/** The octets of an OCTET STRING, primitive or (BER) constructed; `tag` for an IMPLICIT one. */
export function readOctets(buf: Buffer, element: Tlv | undefined, what: string, tag = 0x04): Buffer {
  if (element === undefined || (element.tag !== tag && element.tag !== (tag | 0x20))) malformed(`${what} is missing or has the wrong type`);
  return stringOctets(buf, element, lenient);
}

/** Runs a reader; DER errors and anything unexpected become PkiError('pkcs12.malformed'). */
export function readingPkcs12<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PkiError && error.code.startsWith('pkcs12.')) throw error;
    throw new PkiError('pkcs12.malformed', 'not a well-formed PKCS#12 file', { cause: error });
  }
}
