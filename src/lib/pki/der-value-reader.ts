/**
 * Decoders for the primitive values certificates and CSRs carry: OBJECT IDENTIFIER (X.690 §8.19),
 * UTCTime/GeneralizedTime as RFC 5280 §4.1.2.5 restricts them, and the character string types of
 * X.520 DirectoryString (X.690 §8.23), including BER constructed strings when reading leniently.
 */
import { contentOf, expectTag, malformed, readChildren } from './der-reader.js';
import type { ReadOptions, Tlv } from './der-reader.js';

const oidNames = new Map<string, string>();
const oidCacheLimit = 4096;

function splitFirstArc(first: bigint): string {
  if (first < 40n) return `0.${first}`;
  if (first < 80n) return `1.${first - 40n}`;
  return `2.${first - 80n}`;
}

/** OBJECT IDENTIFIER in dotted form; arcs of any size. */
export function readOid(buf: Buffer, element: Tlv): string {
  const content = contentOf(buf, expectTag(element, 0x06, 'OBJECT IDENTIFIER'));
  const key = content.toString('latin1');
  const cached = oidNames.get(key);
  if (cached !== undefined) return cached;
  if (content.length === 0 || content[content.length - 1]! & 0x80) malformed('OBJECT IDENTIFIER is truncated');
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const byte of content) {
    if (fresh && byte === 0x80) malformed('OBJECT IDENTIFIER has a non-minimal subidentifier');
    value = (value << 7n) | BigInt(byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      arcs.push(value);
      value = 0n;
    }
  }
  const dotted = [splitFirstArc(arcs[0]!), ...arcs.slice(1)].join('.');
  if (oidNames.size < oidCacheLimit) oidNames.set(key, dotted);
  return dotted;
}

const utcTime = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const generalizedTime = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime (YYMMDDHHMMSSZ, 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function readTime(buf: Buffer, element: Tlv): Date {
  const text = contentOf(buf, element).toString('latin1');
  const match = element.tag === 0x17 ? utcTime.exec(text) : element.tag === 0x18 ? generalizedTime.exec(text) : null;
  if (!match) malformed('time is not a UTCTime or GeneralizedTime of the RFC 5280 form');
  const [, yearText = '', month = '', day = '', hours = '', minutes = '', seconds = ''] = match;
  let year = Number(yearText);
  if (element.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  const date = new Date(0);
  date.setUTCFullYear(year, Number(month) - 1, Number(day));
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || date.getUTCHours() !== Number(hours)
    || date.getUTCMinutes() !== Number(minutes) || date.getUTCSeconds() !== Number(seconds)) {
    malformed('time names a date that does not exist');
  }
  return date;
}

const maxStringDepth = 8;

function collectSegments(buf: Buffer, element: Tlv, depth: number, out: Buffer[]): void {
  if ((element.tag & 0x20) === 0) {
    out.push(contentOf(buf, element));
    return;
  }
  if (depth >= maxStringDepth) malformed('constructed string is nested too deeply');
  for (const segment of readChildren(buf, element, { ber: true })) {
    if ((segment.tag & 0xc0) !== 0 && segment.tag !== element.tag) malformed('constructed string has a foreign segment');
    collectSegments(buf, segment, depth + 1, out);
  }
}

/**
 * The octets of a string-typed element. BER lets a sender split a string into a constructed
 * sequence of segments (X.690 §8.23.6); DER forbids it, so that is only accepted with `ber`.
 */
export function stringOctets(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'> = {}): Buffer {
  if ((element.tag & 0x20) === 0) return contentOf(buf, element);
  if (!options.ber) malformed('constructed string is not DER');
  const segments: Buffer[] = [];
  collectSegments(buf, element, 0, segments);
  return Buffer.concat(segments);
}

function utf16be(bytes: Buffer): string {
  if (bytes.length % 2) malformed('BMPString has an odd length');
  return Buffer.from(bytes).swap16().toString('utf16le');
}

function utf32be(bytes: Buffer): string {
  if (bytes.length % 4) malformed('UniversalString length is not a multiple of 4');
  let text = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const codePoint = bytes.readUInt32BE(i);
    if (codePoint > 0x10ffff) malformed('UniversalString has an invalid character');
    text += String.fromCodePoint(codePoint);
  }
  return text;
}

/**
 * The text of a universal character string (UTF8String, PrintableString, IA5String, TeletexString,
 * BMPString, UniversalString, NumericString, VisibleString), or undefined for any other type.
 * Character sets are not policed: certmonger, for one, puts '@' in a PrintableString CN.
 */
export function readText(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'> = {}): string | undefined {
  const type = element.tag & ~0x20;
  switch (type) {
    case 0x0c:
      return stringOctets(buf, element, options).toString('utf8');
    case 0x12: case 0x13: case 0x14: case 0x16: case 0x1a:
      return stringOctets(buf, element, options).toString('latin1');
    case 0x1e:
      return utf16be(stringOctets(buf, element, options));
    case 0x1c:
      return utf32be(stringOctets(buf, element, options));
    default:
      return undefined;
  }
}
