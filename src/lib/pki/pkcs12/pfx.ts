/**
 * The outermost PKCS #12 structure (RFC 7292 §4): `PFX ::= SEQUENCE { version INTEGER {v3(3)},
 * authSafe ContentInfo, macData MacData OPTIONAL }`, the authSafe being id-data around the
 * AuthenticatedSafe octets (password integrity mode; public-key integrity, signedData, is refused).
 */
import { contextExplicit, expectTag, integer, octetString, oid, readChildren, readOid, readSmallInteger, readWhole, seq } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import { lenient, malformed, readOctets } from './lenient-reader.js';
import * as oids from './pkcs12-oids.js';

/** ContentInfo of type id-data (RFC 5652 §4): the content as `[0] EXPLICIT OCTET STRING`. */
export function dataContentInfo(content: Buffer): Buffer {
  return seq(oid(oids.idData), contextExplicit(0, octetString(content)));
}

export function encodePfx(authenticatedSafe: Buffer, macData: Buffer): Buffer {
  return seq(integer(3n), dataContentInfo(authenticatedSafe), macData);
}

/** The content octets of an id-data ContentInfo. */
export function readDataContentInfo(buf: Buffer, element: Tlv | undefined, what: string): Buffer {
  const [type, wrapper, extra] = readChildren(buf, expectTag(element, 0x30, what), lenient);
  if (readOid(buf, expectTag(type, 0x06, `${what} contentType`)) !== oids.idData) malformed(`${what} is not id-data`);
  const [content, more] = readChildren(buf, expectTag(wrapper, 0xa0, `${what} content`), lenient);
  if (extra || more) malformed(`${what} has extra fields`);
  return readOctets(buf, content, `${what} content`);
}

/** The AuthenticatedSafe octets (what the MAC covers) and the MacData element, if any. */
export function readPfx(der: Buffer): { authenticatedSafe: Buffer; macData?: Tlv } {
  const pfx = expectTag(readWhole(der, 'PFX', lenient), 0x30, 'PFX');
  const [version, authSafe, macData, extra] = readChildren(der, pfx, lenient);
  if (extra) malformed('PFX has extra fields');
  if (readSmallInteger(der, expectTag(version, 0x02, 'PFX version'), lenient) !== 3) {
    throw new PkiError('pkcs12.unsupported', 'only PKCS#12 version 3 files are supported');
  }
  const [type] = readChildren(der, expectTag(authSafe, 0x30, 'authSafe'), lenient);
  if (type?.tag === 0x06 && readOid(der, type) === oids.idSignedData) {
    throw new PkiError('pkcs12.unsupported', 'public-key integrity mode (a signed authSafe) is not supported');
  }
  const authenticatedSafe = readDataContentInfo(der, authSafe, 'authSafe');
  return macData ? { authenticatedSafe, macData } : { authenticatedSafe };
}
