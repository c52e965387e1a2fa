/**
 * ContentInfo (RFC 5652 §3), the envelope around every CMS object: a content type and the content
 * as `[0] EXPLICIT`. Also the error translation every CMS reader shares: whatever the DER reader
 * finds wrong becomes 'cms.malformed', never a bare exception.
 */
import { contextExplicit, expectTag, oid, readChildren, readOid, readWhole, seq } from '../der.js';
import type { ReadOptions, Tlv } from '../der.js';
import { PkiError } from '../errors.js';

export function encodeContentInfo(contentType: string, content: Buffer): Buffer {
  return seq(oid(contentType), contextExplicit(0, content));
}

/** The content element of a ContentInfo that must fill `der` and carry `contentType`. */
export function readContentInfo(der: Buffer, contentType: string, what: string, options: Pick<ReadOptions, 'ber'>): Tlv {
  const contentInfo = expectTag(readWhole(der, 'ContentInfo', options), 0x30, 'ContentInfo');
  const [type, wrapper, extra] = readChildren(der, contentInfo, options);
  if (readOid(der, expectTag(type, 0x06, 'contentType')) !== contentType) {
    throw new PkiError('cms.malformed', `ContentInfo does not hold ${what}`);
  }
  const [content, more] = readChildren(der, expectTag(wrapper, 0xa0, 'content'), options);
  if (extra || more || !content) throw new PkiError('cms.malformed', `ContentInfo around ${what} has extra or missing fields`);
  return content;
}

/** Runs a reader, turning DER errors and anything unexpected into PkiError('cms.malformed'). */
export function readingCms<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PkiError && error.code.startsWith('cms.')) throw error;
    const detail = error instanceof PkiError ? `: ${error.message}` : '';
    throw new PkiError('cms.malformed', `${what} is malformed${detail}`, { cause: error });
  }
}
