/**
 * Extensions about the key and its use (RFC 5280): basicConstraints §4.2.1.9, keyUsage §4.2.1.3,
 * extKeyUsage §4.2.1.12, subjectKeyIdentifier §4.2.1.2 and authorityKeyIdentifier §4.2.1.1
 * (keyIdentifier form only, as CA/B Forum S/MIME BR §7.1.2.3 requires).
 */
import { bitString, boolean, contextImplicit, integer, octetString, oid, seq } from './der.js';
import { PkiError } from './errors.js';
import type { Extension } from './extension.js';
import * as oids from './oids.js';

/** KeyUsage named bits, in bit order (RFC 5280 §4.2.1.3). */
export const keyUsageBits = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;

export type KeyUsageBit = (typeof keyUsageBits)[number];

function unencodable(message: string): never {
  throw new PkiError('der.unencodable', message);
}

export function basicConstraints(constraints: { ca: boolean; pathLength?: number }, critical: boolean): Extension {
  const { ca, pathLength } = constraints;
  const parts = ca ? [boolean(true)] : [];
  if (pathLength !== undefined) {
    if (!ca) unencodable('pathLenConstraint is only allowed when cA is true');
    if (!Number.isSafeInteger(pathLength) || pathLength < 0) unencodable('pathLenConstraint must be a non-negative integer');
    parts.push(integer(BigInt(pathLength)));
  }
  return { oid: oids.idCeBasicConstraints, critical, value: seq(...parts) };
}

/** Always critical. A DER named bit list drops trailing zero bits (X.690 §11.2.2). */
export function keyUsage(bits: readonly KeyUsageBit[]): Extension {
  if (bits.length === 0) unencodable('keyUsage needs at least one bit');
  const positions = bits.map((bit) => {
    const position = keyUsageBits.indexOf(bit);
    if (position < 0) unencodable(`unknown keyUsage bit ${String(bit)}`);
    return position;
  });
  const highest = Math.max(...positions);
  const bytes = Buffer.alloc((highest >> 3) + 1);
  for (const position of positions) bytes[position >> 3]! |= 0x80 >> (position & 7);
  return { oid: oids.idCeKeyUsage, critical: true, value: bitString(bytes, 7 - (highest & 7)) };
}

/** Non-critical, as S/MIME BR §7.1.2.3 (f) requires for subscriber certificates. */
export function extendedKeyUsage(purposes: readonly string[]): Extension {
  if (purposes.length === 0) unencodable('extKeyUsage needs at least one purpose');
  return { oid: oids.idCeExtKeyUsage, critical: false, value: seq(...purposes.map((purpose) => oid(purpose))) };
}

export function subjectKeyIdentifier(id: Buffer): Extension {
  if (id.length === 0) unencodable('subjectKeyIdentifier is empty');
  return { oid: oids.idCeSubjectKeyIdentifier, critical: false, value: octetString(id) };
}

/** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT KeyIdentifier }. */
export function authorityKeyIdentifier(id: Buffer): Extension {
  if (id.length === 0) unencodable('authorityKeyIdentifier is empty');
  return { oid: oids.idCeAuthorityKeyIdentifier, critical: false, value: seq(contextImplicit(0, id)) };
}
