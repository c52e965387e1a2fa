/**
 * CMS attributes (RFC 5652 §5.3 SignedAttributes, §12.2.1 Attribute): `SET OF Attribute`, written as
 * DER, so the attributes and the values inside each one are sorted (X.690 §11.6) — Go and Bouncy
 * Castle re-encode signed attributes before verifying and would otherwise reject the signature —
 * and read back into a map from attribute type to the encodings of its values.
 */
import { encodingOf, expectTag, oid, readChildren, readOid, readTlv, seq, set } from '../der.js';
import type { ReadOptions, Tlv } from '../der.js';
import { PkiError } from '../errors.js';

export interface Attribute {
  /** attrType, dotted. */
  oid: string;
  /** The complete DER encoding of each AttributeValue. */
  values: Buffer[];
}

/** Attribute type → the encodings of its values, in the order received. */
export type AttributeMap = ReadonlyMap<string, readonly Buffer[]>;

function unencodable(message: string): never {
  throw new PkiError('der.unencodable', message);
}

function checkValue(value: Buffer): Buffer {
  if (value.length === 0 || readTlv(value, 0).end !== value.length) unencodable('attribute value is not a single DER element');
  return value;
}

/** `SET OF Attribute` (tag 0x31) in DER order; each attribute type at most once, with at least one value. */
export function encodeAttributes(attributes: readonly Attribute[]): Buffer {
  const seen = new Set<string>();
  const encoded = attributes.map(({ oid: type, values }) => {
    if (seen.has(type)) unencodable(`attribute ${type} appears twice`);
    seen.add(type);
    if (values.length === 0) unencodable(`attribute ${type} has no value`);
    return seq(oid(type), set(...values.map(checkValue)));
  });
  return set(...encoded);
}

/** The attributes inside a SET OF Attribute, whatever its tag (a [0] or [1] IMPLICIT in SignerInfo). */
export function readAttributes(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'> = {}): Map<string, Buffer[]> {
  const found = new Map<string, Buffer[]>();
  for (const attribute of readChildren(buf, element, options)) {
    const [type, values, extra] = readChildren(buf, expectTag(attribute, 0x30, 'Attribute'), options);
    if (extra) throw new PkiError('der.malformed', 'Attribute has extra fields');
    const typeOid = readOid(buf, expectTag(type, 0x06, 'attrType'));
    if (found.has(typeOid)) throw new PkiError('der.malformed', 'an attribute type appears twice');
    found.set(typeOid, readChildren(buf, expectTag(values, 0x31, 'attrValues'), options).map((value) => encodingOf(buf, value)));
  }
  return found;
}
