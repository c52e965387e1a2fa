/**
 * A minimal ASN.1 reader (X.690 §8.1 identifier and length octets, §10.1 DER lengths) that walks a
 * Buffer in place without building objects. Strict DER by default; `{ ber: true }` accepts what
 * PKCS#10 clients send (indefinite and non-minimal lengths). Every read is bounded by its parent and
 * consumes at least two octets, so malformed input ends in PkiError('der.malformed'), never in an
 * out-of-bounds read or an endless loop.
 */
import { PkiError } from './errors.js';

export interface Tlv {
  /** Identifier octet: class, constructed bit and tag number (0–30). */
  tag: number;
  /** Offset of the identifier octet. */
  offset: number;
  headerLength: number;
  /** Content length; for a BER indefinite length, without the end-of-contents octets. */
  length: number;
  /** Offset of the first content octet. */
  start: number;
  /** Offset just past the whole element, where its next sibling starts. */
  end: number;
}

export interface ReadOptions {
  /** Accept BER (indefinite and non-minimal lengths, constructed strings) instead of DER only. */
  ber?: boolean;
  /** Do not read past this offset (the end of the enclosing element); defaults to the buffer's end. */
  end?: number;
}

const maxIndefiniteDepth = 32;

export function malformed(message: string): never {
  throw new PkiError('der.malformed', message);
}

export function readTlv(buf: Buffer, offset: number, options: ReadOptions = {}): Tlv {
  return readAt(buf, offset, Math.min(options.end ?? buf.length, buf.length), options.ber === true, 0);
}

function readAt(buf: Buffer, offset: number, limit: number, ber: boolean, depth: number): Tlv {
  if (offset < 0 || offset + 2 > limit) malformed('truncated: an element header runs past the end');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) malformed('high tag numbers are not supported');
  if (tag === 0) malformed('unexpected end-of-contents octets');
  const first = buf[offset + 1]!;
  let start = offset + 2;
  let length = first;
  if (first === 0x80) {
    if (!ber) malformed('indefinite length is not DER');
    if ((tag & 0x20) === 0) malformed('indefinite length on a primitive element');
    return readIndefinite(buf, offset, tag, limit, depth);
  }
  if (first > 0x80) {
    const octets = first & 0x7f;
    if (octets > 4) malformed('length field is too long');
    if (start + octets > limit) malformed('truncated: a length runs past the end');
    length = buf.readUIntBE(start, octets);
    if (!ber && (buf[start] === 0 || length < 0x80)) malformed('length is not minimally encoded (not DER)');
    start += octets;
  }
  if (length > limit - start) malformed('truncated: content runs past the end');
  return { tag, offset, headerLength: start - offset, length, start, end: start + length };
}

function readIndefinite(buf: Buffer, offset: number, tag: number, limit: number, depth: number): Tlv {
  if (depth >= maxIndefiniteDepth) malformed('indefinite lengths are nested too deeply');
  const start = offset + 2;
  let pos = start;
  for (;;) {
    if (pos + 2 > limit) malformed('truncated: end-of-contents octets are missing');
    if (buf[pos] === 0 && buf[pos + 1] === 0) break;
    pos = readAt(buf, pos, limit, true, depth + 1).end;
  }
  return { tag, offset, headerLength: 2, length: pos - start, start, end: pos + 2 };
}

/** The elements inside a constructed TLV, in order. */
export function readChildren(buf: Buffer, parent: Tlv, options: Pick<ReadOptions, 'ber'> = {}): Tlv[] {
  const children: Tlv[] = [];
  const stop = parent.start + parent.length;
  for (let pos = parent.start; pos < stop;) {
    const child = readAt(buf, pos, stop, options.ber === true, 0);
    children.push(child);
    pos = child.end;
  }
  return children;
}

/** Reads the one element that must fill `buf` exactly. */
export function readWhole(buf: Buffer, what: string, options: Pick<ReadOptions, 'ber'> = {}): Tlv {
  const element = readTlv(buf, 0, options);
  if (element.end !== buf.length) malformed(`${what} has trailing data`);
  return element;
}

export function contentOf(buf: Buffer, element: Tlv): Buffer {
  return buf.subarray(element.start, element.start + element.length);
}

/** The complete encoding (identifier, length and content) of an element. */
export function encodingOf(buf: Buffer, element: Tlv): Buffer {
  return buf.subarray(element.offset, element.end);
}

export function expectTag(element: Tlv | undefined, tag: number, what: string): Tlv {
  if (element?.tag !== tag) malformed(`${what} is missing or has the wrong type`);
  return element;
}

/** INTEGER content octets (two's complement, X.690 §8.3), minimal under DER. */
export function readIntegerBytes(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'> = {}): Buffer {
  const bytes = contentOf(buf, expectTag(element, 0x02, 'INTEGER'));
  if (bytes.length === 0) malformed('INTEGER is empty');
  const [a = 0, b = 0] = bytes;
  if (!options.ber && bytes.length > 1 && ((a === 0 && b < 0x80) || (a === 0xff && b >= 0x80))) {
    malformed('INTEGER is not minimally encoded (not DER)');
  }
  return bytes;
}

/** A non-negative INTEGER small enough for a JS number (versions, path lengths). */
export function readSmallInteger(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'> = {}): number {
  const bytes = readIntegerBytes(buf, element, options);
  if (bytes[0]! & 0x80 || bytes.length > 6) malformed('INTEGER is negative or too large');
  return bytes.readUIntBE(0, bytes.length);
}

/** BIT STRING (X.690 §8.6): the bits, and how many trailing bits of the last octet are unused. */
export function readBitString(buf: Buffer, element: Tlv): { bytes: Buffer; unusedBits: number } {
  const content = contentOf(buf, expectTag(element, 0x03, 'BIT STRING'));
  const unusedBits = content[0];
  if (unusedBits === undefined || unusedBits > 7 || (content.length === 1 && unusedBits !== 0)) {
    malformed('BIT STRING has an invalid unused-bit count');
  }
  return { bytes: content.subarray(1), unusedBits };
}

export function readBoolean(buf: Buffer, element: Tlv): boolean {
  const content = contentOf(buf, expectTag(element, 0x01, 'BOOLEAN'));
  if (content.length !== 1) malformed('BOOLEAN is not one octet');
  return content[0] !== 0;
}
