/**
 * The Extension envelope and the Extensions field of a TBSCertificate (RFC 5280 §4.1 and
 * §4.1.2.9): `[3] EXPLICIT SEQUENCE OF Extension`, critical only when TRUE (DER omits DEFAULT
 * values, X.690 §11.5), each extension type at most once.
 */
import { boolean, contextExplicit, octetString, oid, seq } from './der.js';
import { PkiError } from './errors.js';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The DER of the extension's own value: what extnValue's OCTET STRING contains. */
  value: Buffer;
}

function encodeExtension(extension: Extension): Buffer {
  return extension.critical
    ? seq(oid(extension.oid), boolean(true), octetString(extension.value))
    : seq(oid(extension.oid), octetString(extension.value));
}

/** `[3] EXPLICIT Extensions`, or nothing at all for an empty list (the SEQUENCE has SIZE (1..MAX)). */
export function encodeExtensions(exts: readonly Extension[]): Buffer {
  if (exts.length === 0) return Buffer.alloc(0);
  const seen = new Set<string>();
  for (const { oid: extensionOid } of exts) {
    if (seen.has(extensionOid)) throw new PkiError('der.unencodable', `extension ${extensionOid} appears twice`);
    seen.add(extensionOid);
  }
  return contextExplicit(3, seq(...exts.map(encodeExtension)));
}

/** `[tag] EXPLICIT Extensions` for the structures that put them under another tag: crlExtensions [0] (RFC 5280 §5.1), OCSP's [1]/[2] (RFC 6960 §4). */
export function encodeExtensionsTagged(tag: number, exts: readonly Extension[]): Buffer {
  if (exts.length === 0) return Buffer.alloc(0);
  return contextExplicit(tag, seq(...exts.map(encodeExtension)));
}
