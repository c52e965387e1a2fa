/**
 * The message data inside a request's pkcsPKIEnvelope (RFC 8894 §3.3): a PKCS#10 request for
 * PKCSReq and RenewalReq (§3.3.1), IssuerAndSubject for CertPoll (§3.3.3), IssuerAndSerialNumber
 * for GetCert and GetCRL (§3.3.4, §3.3.5). Read leniently (BER), as the envelope's sender wrote it.
 */
import { encodingOf, expectTag, readChildren, readIntegerBytes, readWhole } from '../der.js';
import type { Tlv } from '../der.js';
import { malformed as derMalformed } from '../der-reader.js';
import { parseCertificationRequest } from '../csr.js';
import type { CertificationRequest } from '../csr.js';
import { PkiError } from '../errors.js';
import { serialToHex } from '../serial.js';
import type { ScepRequestType } from './scep-attributes.js';

export type MessageData =
  | { messageType: 'PKCSReq' | 'RenewalReq'; request: CertificationRequest }
  /** IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name }; both as Name DER. */
  | { messageType: 'CertPoll'; issuer: Buffer; subject: Buffer }
  /** IssuerAndSerialNumber: the issuer Name DER and the serial as lowercase hex without leading zeros. */
  | { messageType: 'GetCert' | 'GetCRL'; issuer: Buffer; serialHex: string };

const lenient = { ber: true };

/** Both SEQUENCEs of two: a Name and then either a Name (tag 0x30) or an INTEGER (0x02). */
function readPair(plaintext: Buffer, what: string, secondTag: number): { issuer: Buffer; second: Tlv } {
  const pair = expectTag(readWhole(plaintext, what, lenient), 0x30, what);
  const [issuer, second, extra] = readChildren(plaintext, pair, lenient);
  if (extra) derMalformed(`${what} has extra fields`);
  return { issuer: encodingOf(plaintext, expectTag(issuer, 0x30, 'issuer')), second: expectTag(second, secondTag, what) };
}

function readOther(messageType: 'CertPoll' | 'GetCert' | 'GetCRL', plaintext: Buffer): MessageData {
  try {
    if (messageType === 'CertPoll') {
      const { issuer, second } = readPair(plaintext, 'IssuerAndSubject', 0x30);
      return { messageType, issuer, subject: encodingOf(plaintext, second) };
    }
    const { issuer, second } = readPair(plaintext, 'IssuerAndSerialNumber', 0x02);
    return { messageType, issuer, serialHex: serialToHex(readIntegerBytes(plaintext, second, lenient)) };
  } catch (error) {
    const detail = error instanceof PkiError ? `: ${error.message}` : '';
    throw new PkiError('scep.malformed', `the ${messageType} message data is malformed${detail}`, { cause: error });
  }
}

/**
 * The decrypted message data of a request. A PKCS#10 request is parsed and its self-signature
 * verified (PkiError 'csr.*' or 'key.unsupported' as parseCertificationRequest throws them); the
 * other kinds throw 'scep.malformed'.
 */
export function readMessageData(messageType: ScepRequestType, plaintext: Buffer): MessageData {
  if (messageType === 'PKCSReq' || messageType === 'RenewalReq') {
    return { messageType, request: parseCertificationRequest(plaintext) };
  }
  return readOther(messageType, plaintext);
}
