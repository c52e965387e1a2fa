/**
 * A small DER encoder over Buffers (X.690 §8 basic rules restricted by §10 DER): definite minimal
 * lengths, minimal INTEGERs, DER-sorted SET OF (§11.6), UTCTime/GeneralizedTime as RFC 5280
 * §4.1.2.5 profiles them. Every function returns one complete TLV; values an ASN.1 type cannot hold
 * throw PkiError('der.unencodable'). The reader lives in der-reader.ts and is re-exported here.
 */
import { PkiError } from './errors.js';

export {
  contentOf, encodingOf, expectTag, readBitString, readBoolean, readChildren, readIntegerBytes,
  readSmallInteger, readTlv, readWhole,
} from './der-reader.js';
export type { ReadOptions, Tlv } from './der-reader.js';
export { readOid, readText, readTime, stringOctets } from './der-value-reader.js';

function unencodable(message: string): never {
  throw new PkiError('der.unencodable', message);
}

function headerLength(tagOctets: number, length: number): number {
  if (length < 0x80) return tagOctets + 1;
  if (length < 0x100) return tagOctets + 2;
  if (length < 0x10000) return tagOctets + 3;
  if (length < 0x1000000) return tagOctets + 4;
  return tagOctets + 5;
}

/** Writes identifier and length octets; returns the offset of the first content octet. */
function writeHeader(out: Buffer, tag: number, length: number): number {
  out[0] = tag;
  if (length < 0x80) {
    out[1] = length;
    return 2;
  }
  const octets = headerLength(1, length) - 2;
  out[1] = 0x80 | octets;
  out.writeUIntBE(length, 2, octets);
  return 2 + octets;
}

function checkTag(tag: number): void {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) {
    unencodable(`tag ${tag} is not a single-octet identifier`);
  }
}

/** One TLV with a single identifier octet (tag numbers 0–30 of any class). */
export function tlv(tag: number, content: Buffer): Buffer {
  checkTag(tag);
  const out = Buffer.allocUnsafe(headerLength(1, content.length) + content.length);
  content.copy(out, writeHeader(out, tag, content.length));
  return out;
}

function tlvOfParts(tag: number, parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = Buffer.allocUnsafe(headerLength(1, length) + length);
  let offset = writeHeader(out, tag, length);
  for (const part of parts) offset += part.copy(out, offset);
  return out;
}

export function seq(...parts: Buffer[]): Buffer {
  return tlvOfParts(0x30, parts);
}

/** SET OF: X.690 §11.6 orders the element encodings as octet strings, ascending. */
export function set(...parts: Buffer[]): Buffer {
  return tlvOfParts(0x31, parts.slice().sort(Buffer.compare));
}

function bigintBytes(value: bigint): Buffer {
  if (value >= 0n) {
    let hex = value.toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    const bytes = Buffer.from(hex, 'hex');
    return bytes[0]! & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes;
  }
  let octets = 1;
  while (value < -(1n << BigInt(8 * octets - 1))) octets++;
  const twos = (1n << BigInt(8 * octets)) + value;
  return Buffer.from(twos.toString(16).padStart(2 * octets, '0'), 'hex');
}

/** INTEGER. A Buffer is an unsigned big-endian magnitude (serial numbers): zeros stripped, sign octet added. */
export function integer(value: bigint | Buffer): Buffer {
  if (typeof value === 'bigint') return tlv(0x02, bigintBytes(value));
  let first = 0;
  while (first < value.length - 1 && value[first] === 0) first++;
  const magnitude = value.length === 0 ? Buffer.of(0) : value.subarray(first);
  return magnitude[0]! & 0x80 ? tlv(0x02, Buffer.concat([Buffer.of(0), magnitude])) : tlv(0x02, magnitude);
}

const oidCache = new Map<string, Buffer>();
const dottedOid = /^[0-2](\.(0|[1-9][0-9]*))+$/;

function base128(arc: bigint): number[] {
  const octets = [Number(arc & 0x7fn)];
  for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) octets.unshift(Number(rest & 0x7fn) | 0x80);
  return octets;
}

/** OBJECT IDENTIFIER (X.690 §8.19) from dotted form. The result is cached and shared: do not modify it. */
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  if (!dottedOid.test(dotted)) unencodable(`"${dotted.slice(0, 64)}" is not a dotted OID`);
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [first = 0n, second = 0n] = arcs;
  if (first < 2n && second >= 40n) unencodable(`OID ${dotted} has a second arc above 39`);
  const octets = [first * 40n + second, ...arcs.slice(2)].flatMap(base128);
  const encoded = tlv(0x06, Buffer.from(octets));
  oidCache.set(dotted, encoded);
  return encoded;
}

const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const ia5 = /^\p{ASCII}*$/u;
const loneSurrogate = /\p{Cs}/u;

export function utf8String(value: string): Buffer {
  if (loneSurrogate.test(value)) unencodable('text contains an unpaired UTF-16 surrogate');
  return tlv(0x0c, Buffer.from(value, 'utf8'));
}

export function printableString(value: string): Buffer {
  if (!printable.test(value)) unencodable('text has characters a PrintableString cannot hold');
  return tlv(0x13, Buffer.from(value, 'latin1'));
}

export function ia5String(value: string): Buffer {
  if (!ia5.test(value)) unencodable('text has characters an IA5String cannot hold (ASCII only)');
  return tlv(0x16, Buffer.from(value, 'latin1'));
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

/** BIT STRING (X.690 §8.6): the first content octet counts the unused bits of the last one. */
export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) {
    unencodable('BIT STRING unused-bit count must be 0–7 (0 when empty)');
  }
  return tlvOfParts(0x03, [Buffer.of(unusedBits), bytes]);
}

const derTrue = Buffer.of(0x01, 0x01, 0xff);
const derFalse = Buffer.of(0x01, 0x01, 0x00);
const derNull = Buffer.of(0x05, 0x00);

/** BOOLEAN: DER requires 0xff for TRUE (X.690 §11.1). */
export function boolean(value: boolean): Buffer {
  return Buffer.from(value ? derTrue : derFalse);
}

export function nullValue(): Buffer {
  return Buffer.from(derNull);
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Time (RFC 5280 §4.1.2.5): UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds, Zulu. */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) unencodable('date is invalid or outside years 0–9999');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}`
    + `${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year <= 2049) return tlv(0x17, Buffer.from(two(year % 100) + rest, 'latin1'));
  return tlv(0x18, Buffer.from(String(year).padStart(4, '0') + rest, 'latin1'));
}

function checkTagNumber(tag: number): void {
  if (!Number.isInteger(tag) || tag < 0 || tag > 30) unencodable(`context tag [${tag}] is outside 0–30`);
}

/** [tag] EXPLICIT: a constructed context-specific TLV wrapping the complete inner encoding. */
export function contextExplicit(tag: number, inner: Buffer): Buffer {
  checkTagNumber(tag);
  return tlv(0xa0 | tag, inner);
}

/**
 * [tag] IMPLICIT: the tag replaces the identifier of the underlying type, so `inner` is that type's
 * content octets (e.g. the ASCII of an rfc822Name, or the concatenated elements of a SEQUENCE),
 * and `constructed` says whether the underlying type is constructed.
 */
export function contextImplicit(tag: number, inner: Buffer, constructed = false): Buffer {
  checkTagNumber(tag);
  return tlv((constructed ? 0xa0 : 0x80) | tag, inner);
}
