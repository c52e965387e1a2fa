/**
 * GeneralName (RFC 5280 §4.2.1.6) in the three forms we issue: rfc822Name [1], dNSName [2] and
 * uniformResourceIdentifier [6], each an IMPLICIT IA5String. Internationalised mailboxes
 * (SmtpUTF8Mailbox, RFC 9598) are not IA5 and are refused. Also reads rfc822Names back.
 */
import { expectTag, ia5String, readChildren, stringOctets } from './der.js';
import type { ReadOptions, Tlv } from './der.js';
import { PkiError } from './errors.js';

function implicitIa5(tag: number, text: string, what: string): Buffer {
  if (text.length === 0) throw new PkiError('der.unencodable', `${what} is empty`);
  const encoded = ia5String(text);
  encoded[0] = 0x80 | tag;
  return encoded;
}

/** rfc822Name: a mailbox `local@domain` (RFC 5321 §4.1.2), no display name or brackets. */
export function rfc822Name(email: string): Buffer {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || /[\s<>]/.test(email)) {
    throw new PkiError('der.unencodable', 'rfc822Name must be a plain local@domain mailbox');
  }
  return implicitIa5(1, email, 'rfc822Name');
}

export function dnsName(name: string): Buffer {
  return implicitIa5(2, name, 'dNSName');
}

export function uniformResourceIdentifier(uri: string): Buffer {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) {
    throw new PkiError('der.unencodable', 'uniformResourceIdentifier must be an absolute URI');
  }
  return implicitIa5(6, uri, 'uniformResourceIdentifier');
}

/** The rfc822Names inside a GeneralNames SEQUENCE; other name forms are skipped. */
export function readRfc822Names(buf: Buffer, generalNames: Tlv, options: Pick<ReadOptions, 'ber'> = {}): string[] {
  const emails: string[] = [];
  for (const name of readChildren(buf, expectTag(generalNames, 0x30, 'GeneralNames'), options)) {
    // BER senders may split the string into segments, which makes the [1] constructed.
    if (name.tag === 0x81 || (options.ber && name.tag === 0xa1)) {
      emails.push(stringOctets(buf, name, options).toString('latin1'));
    }
  }
  return emails;
}
