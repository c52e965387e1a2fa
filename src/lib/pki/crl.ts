/**
 * Certificate revocation lists (RFC 5280 §5) written straight into bytes: entries are encoded in
 * batches into one Buffer each, so a list of a million entries is a hundred buffers rather than a
 * million objects; the TBSCertList is framed around them and signed once by the caller. Extensions:
 * cRLNumber §5.2.3, deltaCRLIndicator §5.2.4, issuingDistributionPoint §5.2.5, freshestCRL §5.2.6,
 * reasonCode §5.3.1 (omitted for unspecified, as S/MIME BR §7.2.2 asks).
 */
import { bitString, contextExplicit, contextImplicit, integer, seq, time } from './der.js';
import { PkiError } from './errors.js';
import type { Extension } from './extension.js';
import { encodeExtensionsTagged } from './extension.js';
import { uniformResourceIdentifier } from './general-names.js';
import * as oids from './oids.js';

export const idCeDeltaCRLIndicator = '2.5.29.27';
export const idCeIssuingDistributionPoint = '2.5.29.28';
export const idCeFreshestCRL = '2.5.29.46';

export interface CrlEntry {
  /** Serial number magnitude, lower-case hex (as the inventory keeps it). */
  serialHex: string;
  revokedAt: Date;
  /** CRLReason (RFC 5280 §5.3.1); null for no reasonCode extension. */
  reasonCode: number | null;
}

const MAX_ENTRY = 2 + 23 + 17 + 16;

function writeDigits(out: Buffer, at: number, value: number, digits: number): number {
  for (let i = digits - 1; i >= 0; i--) {
    out[at + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
  return at + digits;
}

/** UTCTime (or GeneralizedTime from 2050) written in place; returns the new offset. */
function writeTime(out: Buffer, at: number, date: Date): number {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) throw new PkiError('der.unencodable', 'revocation date is invalid');
  const utc = year >= 1950 && year <= 2049;
  out[at] = utc ? 0x17 : 0x18;
  out[at + 1] = utc ? 13 : 15;
  let p = utc ? writeDigits(out, at + 2, year % 100, 2) : writeDigits(out, at + 2, year, 4);
  p = writeDigits(out, p, date.getUTCMonth() + 1, 2);
  p = writeDigits(out, p, date.getUTCDate(), 2);
  p = writeDigits(out, p, date.getUTCHours(), 2);
  p = writeDigits(out, p, date.getUTCMinutes(), 2);
  p = writeDigits(out, p, date.getUTCSeconds(), 2);
  out[p] = 0x5a; // Z
  return p + 1;
}

/** reasonCode extension: SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED } } }. */
const REASON_PREFIX = Buffer.from('300c300a0603551d150403 0a01'.replace(/ /g, ''), 'hex');

/** Encodes one batch of revokedCertificates entries (RFC 5280 §5.1) into a single buffer. */
export function encodeCrlEntries(entries: readonly CrlEntry[]): Buffer {
  const out = Buffer.allocUnsafe(entries.length * MAX_ENTRY);
  let p = 0;
  for (const entry of entries) {
    const hex = entry.serialHex.length % 2 === 1 ? `0${entry.serialHex}` : entry.serialHex;
    const serialLength = hex.length / 2;
    if (serialLength === 0 || serialLength > 20 || !/^[0-9a-f]+$/.test(hex)) {
      throw new PkiError('der.unencodable', `serial "${entry.serialHex.slice(0, 48)}" is not a hex serial of at most 20 octets`);
    }
    const pad = parseInt(hex.slice(0, 2), 16) >= 0x80 ? 1 : 0;
    const integerLength = 2 + pad + serialLength;
    const year = entry.revokedAt.getUTCFullYear();
    const timeLength = year >= 1950 && year <= 2049 ? 15 : 17;
    const reason = entry.reasonCode === null ? 0 : REASON_PREFIX.length + 1;
    const content = integerLength + timeLength + reason;
    out[p] = 0x30;
    out[p + 1] = content;
    out[p + 2] = 0x02;
    out[p + 3] = pad + serialLength;
    p += 4;
    if (pad) out[p++] = 0;
    p += out.write(hex, p, 'hex');
    p = writeTime(out, p, entry.revokedAt);
    if (entry.reasonCode !== null) {
      p += REASON_PREFIX.copy(out, p);
      out[p++] = entry.reasonCode;
    }
  }
  return out.subarray(0, p);
}

/** The length octets of a definite length (X.690 §8.1.3). */
function header(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.of(tag, length);
  const octets = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
  const out = Buffer.alloc(2 + octets);
  out[0] = tag;
  out[1] = 0x80 | octets;
  out.writeUIntBE(length, 2, octets);
  return out;
}

export interface TbsCertListSpec {
  signatureAlgorithm: Buffer;
  /** The issuer Name, byte-identical to the CA certificate's subject. */
  issuer: Buffer;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Batches from encodeCrlEntries, in order. */
  entryBatches: readonly Buffer[];
  extensions: readonly Extension[];
}

/** TBSCertList (v2); revokedCertificates is left out when there are none (RFC 5280 §5.1.2.6). */
export function encodeTbsCertList(spec: TbsCertListSpec): Buffer {
  const entriesLength = spec.entryBatches.reduce((n, b) => n + b.length, 0);
  const revoked = entriesLength === 0 ? [] : [header(0x30, entriesLength), ...spec.entryBatches];
  const parts = [
    integer(1n), spec.signatureAlgorithm, spec.issuer, time(spec.thisUpdate), time(spec.nextUpdate),
    ...revoked, encodeExtensionsTagged(0, spec.extensions),
  ];
  const length = parts.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([header(0x30, length), ...parts]);
}

/** CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }. */
export function assembleCertificateList(tbs: Buffer, signatureAlgorithm: Buffer, signature: Buffer): Buffer {
  return seq(tbs, signatureAlgorithm, bitString(signature));
}

export function crlNumber(n: number): Extension {
  return { oid: oids.idCeCRLNumber, critical: false, value: integer(BigInt(n)) };
}

export function deltaCrlIndicator(baseNumber: number): Extension {
  return { oid: idCeDeltaCRLIndicator, critical: true, value: integer(BigInt(baseNumber)) };
}

/** IssuingDistributionPoint with only distributionPoint fullName: the scope every certificate's CDP names. */
export function issuingDistributionPoint(url: string): Extension {
  const fullName = contextImplicit(0, uniformResourceIdentifier(url), true);
  return { oid: idCeIssuingDistributionPoint, critical: true, value: seq(contextExplicit(0, fullName)) };
}

/** FreshestCRL has the syntax of CRLDistributionPoints: where the delta CRLs are. */
export function freshestCrl(url: string): Extension {
  const fullName = contextImplicit(0, uniformResourceIdentifier(url), true);
  return { oid: idCeFreshestCRL, critical: false, value: seq(seq(contextExplicit(0, fullName))) };
}
