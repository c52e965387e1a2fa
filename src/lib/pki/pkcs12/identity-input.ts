/**
 * What buildPkcs12 is asked to package, checked before anything is encrypted: each private key
 * belongs to its certificate, certificates are DER X.509 (RFC 5280 §4.1), no certificate appears as
 * two identities (their localKeyIds would collide), friendly names fit RFC 2985's bound. The
 * localKeyId linking a key bag to its certificate bag is the certificate's SHA-1, as OpenSSL makes it.
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { readCertificate } from '../certificate.js';
import { PkiError } from '../errors.js';
import { checkFriendlyName } from './safe-bags.js';
import type { BagAttributes } from './safe-bags.js';

export interface Pkcs12IdentityInput {
  /** A KeyObject, or PKCS#8 PrivateKeyInfo DER. */
  privateKey: KeyObject | Buffer;
  /** The identity's X.509 certificate, DER. */
  certificate: Buffer;
  /** Issuer certificates to deliver with it (DER), e.g. the issuing CA. */
  chain?: Buffer[];
  friendlyName?: string;
}

export interface CheckedIdentity {
  privateKey: KeyObject;
  certificate: Buffer;
  chain: Buffer[];
  attributes: BagAttributes;
}

function invalid(message: string, cause?: unknown): never {
  throw new PkiError('pkcs12.invalid-input', message, cause === undefined ? undefined : { cause });
}

function readSubjectPublicKey(certificate: Buffer, what: string): KeyObject {
  try {
    return createPublicKey({ key: readCertificate(certificate).subjectPublicKeyInfo, format: 'der', type: 'spki' });
  } catch (error) {
    return invalid(`${what} is not a DER X.509 certificate with a key node:crypto can read`, error);
  }
}

function privateKeyOf(input: unknown, what: string): KeyObject {
  if (input instanceof KeyObject && input.type === 'private') return input;
  if (!Buffer.isBuffer(input)) return invalid(`${what}: the private key must be a private KeyObject or PKCS#8 DER`);
  try {
    return createPrivateKey({ key: input, format: 'der', type: 'pkcs8' });
  } catch (error) {
    return invalid(`${what}: the private key is not PKCS#8 DER node:crypto can read`, error);
  }
}

function checkIdentity(identity: Pkcs12IdentityInput, index: number): CheckedIdentity {
  const what = `identity ${index + 1}`;
  const publicKey = readSubjectPublicKey(identity.certificate, `${what}: the certificate`);
  const privateKey = privateKeyOf(identity.privateKey, what);
  if (!createPublicKey(privateKey).equals(publicKey)) invalid(`${what}: the private key does not belong to the certificate`);
  const chain = identity.chain ?? [];
  chain.forEach((certificate, n) => readSubjectPublicKey(certificate, `${what}: chain certificate ${n + 1}`));
  if (identity.friendlyName !== undefined) checkFriendlyName(identity.friendlyName);
  const localKeyId = createHash('sha1').update(identity.certificate).digest();
  const attributes = identity.friendlyName === undefined ? { localKeyId } : { localKeyId, friendlyName: identity.friendlyName };
  return { privateKey, certificate: identity.certificate, chain, attributes };
}

export function checkIdentities(identities: readonly Pkcs12IdentityInput[]): CheckedIdentity[] {
  if (!Array.isArray(identities) || identities.length === 0) invalid('a PKCS#12 file needs at least one identity');
  const checked = identities.map(checkIdentity);
  const seen = new Set<string>();
  for (const identity of checked) {
    const id = identity.attributes.localKeyId!.toString('hex');
    if (seen.has(id)) invalid('the same certificate is given as two identities');
    seen.add(id);
  }
  return checked;
}
