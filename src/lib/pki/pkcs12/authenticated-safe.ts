/**
 * The AuthenticatedSafe of RFC 7292 §4.1: a `SEQUENCE OF ContentInfo`, each holding SafeContents in
 * the clear (id-data) or under a password (id-encryptedData, RFC 5652 §8: `EncryptedData ::= SEQUENCE
 * { version 0, encryptedContentInfo }`, the ciphertext as `[0] IMPLICIT OCTET STRING`). Public-key
 * privacy (envelopedData) is refused.
 */
import { contextExplicit, contextImplicit, expectTag, integer, oid, readChildren, readOid, readWhole, seq } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import { decryptContent } from './encrypted-content.js';
import type { EncryptedContent } from './encrypted-content.js';
import { lenient, malformed, readOctets } from './lenient-reader.js';
import { readDataContentInfo } from './pfx.js';
import * as oids from './pkcs12-oids.js';

export function encryptedDataContentInfo(encrypted: EncryptedContent): Buffer {
  const encryptedContentInfo = seq(oid(oids.idData), encrypted.algorithm, contextImplicit(0, encrypted.ciphertext));
  return seq(oid(oids.idEncryptedData), contextExplicit(0, seq(integer(0n), encryptedContentInfo)));
}

/** The plaintext SafeContents of an EncryptedData. Zero it after use. */
function decryptEncryptedData(buf: Buffer, element: Tlv | undefined, password: string): Buffer {
  const [version, encryptedContentInfo] = readChildren(buf, expectTag(element, 0x30, 'EncryptedData'), lenient);
  expectTag(version, 0x02, 'EncryptedData version');
  const [type, algorithm, content, extra] = readChildren(buf, expectTag(encryptedContentInfo, 0x30, 'EncryptedContentInfo'), lenient);
  if (readOid(buf, expectTag(type, 0x06, 'EncryptedContentInfo contentType')) !== oids.idData || extra) {
    malformed('EncryptedContentInfo does not hold id-data');
  }
  return decryptContent(buf, algorithm, readOctets(buf, content, 'encryptedContent', 0x80), password);
}

/**
 * Calls `read` with each SafeContents in turn: encrypted ones are decrypted just before and zeroed
 * right after, whatever `read` does.
 */
export function forEachSafeContents(authenticatedSafe: Buffer, password: string, read: (safeContents: Buffer) => void): void {
  const sequence = expectTag(readWhole(authenticatedSafe, 'AuthenticatedSafe', lenient), 0x30, 'AuthenticatedSafe');
  for (const contentInfo of readChildren(authenticatedSafe, sequence, lenient)) {
    const [type, wrapper] = readChildren(authenticatedSafe, expectTag(contentInfo, 0x30, 'ContentInfo'), lenient);
    const contentType = readOid(authenticatedSafe, expectTag(type, 0x06, 'ContentInfo contentType'));
    if (contentType === oids.idData) {
      read(readDataContentInfo(authenticatedSafe, contentInfo, 'ContentInfo'));
    } else if (contentType === oids.idEncryptedData) {
      const [content] = readChildren(authenticatedSafe, expectTag(wrapper, 0xa0, 'ContentInfo content'), lenient);
      const plaintext = decryptEncryptedData(authenticatedSafe, content, password);
      try {
        read(plaintext);
      } finally {
        plaintext.fill(0);
      }
    } else if (contentType === oids.idEnvelopedData) {
      throw new PkiError('pkcs12.unsupported', 'public-key privacy mode (envelopedData) is not supported');
    } else {
      malformed('the AuthenticatedSafe holds an unknown content type');
    }
  }
}
