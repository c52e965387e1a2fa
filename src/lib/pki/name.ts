/**
 * Distinguished names: encoding an RDNSequence (RFC 5280 §4.1.2.4 and §4.1.2.6: one attribute per
 * RDN, DirectoryString as UTF8String, countryName and serialNumber as PrintableString, emailAddress
 * as IA5String; upper bounds from Appendix A), reading any Name, and its RFC 4514 string form.
 */
import {
  encodingOf, expectTag, ia5String, oid, printableString, readChildren, readOid, readText, readTlv,
  seq, set, utf8String,
} from './der.js';
import type { ReadOptions, Tlv } from './der.js';
import { PkiError } from './errors.js';
import * as oids from './oids.js';

export type NameAttributeType =
  | 'CN' | 'O' | 'OU' | 'C' | 'L' | 'ST' | 'emailAddress' | 'serialNumber' | 'organizationIdentifier';

export interface NameAttribute {
  type: NameAttributeType;
  value: string;
}

/** An attribute read from a Name: the type is set when it is one we can also encode. */
export interface ParsedNameAttribute {
  oid: string;
  type?: NameAttributeType;
  /** The text, or for a non-string value the RFC 4514 §2.4 `#hex` of its encoding. */
  value: string;
}

interface AttributeSpec {
  oid: string;
  encode: (value: string) => Buffer;
  maxLength?: number;
  exactLength?: number;
}

const attributeSpecs = {
  CN: { oid: oids.idAtCommonName, encode: utf8String, maxLength: 64 },
  O: { oid: oids.idAtOrganizationName, encode: utf8String, maxLength: 64 },
  OU: { oid: oids.idAtOrganizationalUnitName, encode: utf8String, maxLength: 64 },
  C: { oid: oids.idAtCountryName, encode: printableString, exactLength: 2 },
  L: { oid: oids.idAtLocalityName, encode: utf8String, maxLength: 128 },
  ST: { oid: oids.idAtStateOrProvinceName, encode: utf8String, maxLength: 128 },
  emailAddress: { oid: oids.idEmailAddress, encode: ia5String, maxLength: 255 },
  serialNumber: { oid: oids.idAtSerialNumber, encode: printableString, maxLength: 64 },
  organizationIdentifier: { oid: oids.idAtOrganizationIdentifier, encode: utf8String },
} satisfies Record<NameAttributeType, AttributeSpec>;

const typeByOid = new Map<string, NameAttributeType>(
  Object.entries(attributeSpecs).map(([type, spec]) => [spec.oid, type as NameAttributeType]),
);

/** Display names: ours, plus the usual ones (as OpenSSL prints them) for names we only read. */
const displayNameByOid = new Map<string, string>([
  ...typeByOid,
  [oids.idAtSurname, 'SN'], [oids.idAtGivenName, 'GN'], [oids.idAtTitle, 'title'],
  [oids.idAtPseudonym, 'pseudonym'], [oids.idAtStreetAddress, 'STREET'],
  [oids.idDomainComponent, 'DC'], [oids.idUserId, 'UID'],
]);

function encodeAttribute({ type, value }: NameAttribute): Buffer {
  const spec: AttributeSpec | undefined = attributeSpecs[type];
  if (!spec) throw new PkiError('der.unencodable', `unknown name attribute ${String(type)}`);
  const length = [...value].length;
  if (length === 0 || (spec.maxLength !== undefined && length > spec.maxLength)
    || (spec.exactLength !== undefined && length !== spec.exactLength)) {
    const bound = spec.exactLength ?? `1–${spec.maxLength ?? 'any'}`;
    throw new PkiError('der.unencodable', `name attribute ${type} must be ${bound} characters long`);
  }
  return set(seq(oid(spec.oid), spec.encode(value)));
}

/** RDNSequence with one attribute per RDN, in the given order (most significant first). */
export function encodeName(attrs: readonly NameAttribute[]): Buffer {
  return seq(...attrs.map(encodeAttribute));
}

const specials = new Set(['"', '+', ',', ';', '<', '>', '\\']);

/** RFC 4514 §2.4 escaping; control characters are also hex-escaped so logs stay one line. */
function escapeValue(value: string): string {
  const chars = [...value];
  return chars.map((c, i) => {
    if (specials.has(c)) return `\\${c}`;
    if (/\p{Cc}/u.test(c)) return Buffer.from(c, 'utf8').toString('hex').replace(/../g, '\\$&');
    if ((i === 0 && (c === ' ' || c === '#')) || (i === chars.length - 1 && c === ' ')) return `\\${c}`;
    return c;
  }).join('');
}

/** RFC 4514 §2.1: the last RDN of the sequence comes first. */
export function formatName(attrs: readonly NameAttribute[]): string {
  return attrs.map((a) => `${a.type}=${escapeValue(a.value)}`).reverse().join(',');
}

interface ReadAttribute {
  oid: string;
  /** The text of a string value; undefined for other types. */
  text: string | undefined;
  encoding: Buffer;
}

function readAttribute(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'>): ReadAttribute {
  const [typeTlv, valueTlv, extra] = readChildren(buf, expectTag(element, 0x30, 'AttributeTypeAndValue'), options);
  if (!valueTlv || extra) throw new PkiError('der.malformed', 'AttributeTypeAndValue must have a type and a value');
  return {
    oid: readOid(buf, expectTag(typeTlv, 0x06, 'attribute type')),
    text: readText(buf, valueTlv, options),
    encoding: encodingOf(buf, valueTlv),
  };
}

function readRdns(der: Buffer, options: Pick<ReadOptions, 'ber'>): ReadAttribute[][] {
  const name = readTlv(der, 0, options);
  if (name.end !== der.length) throw new PkiError('der.malformed', 'Name has trailing data');
  return readChildren(der, expectTag(name, 0x30, 'Name'), options).map((rdn) => {
    const attributes = readChildren(der, expectTag(rdn, 0x31, 'RelativeDistinguishedName'), options);
    if (attributes.length === 0) throw new PkiError('der.malformed', 'RelativeDistinguishedName is empty');
    return attributes.map((attribute) => readAttribute(der, attribute, options));
  });
}

const hexForm = (a: ReadAttribute): string => `#${a.encoding.toString('hex')}`;

/** The attributes of a Name, flattened in encoding order. */
export function parseName(der: Buffer, options: Pick<ReadOptions, 'ber'> = {}): ParsedNameAttribute[] {
  return readRdns(der, options).flat().map((a) => {
    const type = typeByOid.get(a.oid);
    const value = a.text ?? hexForm(a);
    return type ? { oid: a.oid, type, value } : { oid: a.oid, value };
  });
}

/** Any Name in RFC 4514 form, for display and audit; unknown types in dotted form. */
export function formatNameDer(der: Buffer, options: Pick<ReadOptions, 'ber'> = {}): string {
  return readRdns(der, options)
    .map((rdn) => rdn
      .map((a) => `${displayNameByOid.get(a.oid) ?? a.oid}=${a.text === undefined ? hexForm(a) : escapeValue(a.text)}`)
      .join('+'))
    .reverse()
    .join(',');
}
