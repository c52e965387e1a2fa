/**
 * Opens a PKCS #12 file (RFC 7292) in password integrity and privacy modes: ours of both variants,
 * OpenSSL 3's default (PBES2 / AES-256 / SHA-256 MAC) and its PBE-SHA1-3DES / SHA-1 MAC form, and
 * BER-encoded files from other tools. The MAC is verified before anything is decrypted. Each private
 * key is paired with its certificate by localKeyId, or by public key when a tool left the attribute
 * out; the other certificates are returned as the chain. Whatever the input, the only exception is a
 * PkiError: 'pkcs12.unusable-password', 'pkcs12.bad-password', 'pkcs12.malformed' or 'pkcs12.unsupported'.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { forEachSafeContents } from './authenticated-safe.js';
import { malformed, readingPkcs12 } from './lenient-reader.js';
import { verifyMacData } from './mac-data.js';
import { checkPassword } from './password.js';
import { readPfx } from './pfx.js';
import { readSafeBags } from './safe-bags-reader.js';
import type { BagsRead, CertificateEntry, KeyEntry } from './safe-bags-reader.js';

export interface Pkcs12Identity {
  privateKey: KeyObject;
  /** The certificate's DER. */
  certificate: Buffer;
  friendlyName?: string;
}

export interface Pkcs12Contents {
  identities: Pkcs12Identity[];
  /** The certificates that belong to no key (the chain), DER, in file order. */
  certificates: Buffer[];
}

function belongsTo(publicKey: KeyObject, certificate: CertificateEntry): boolean {
  try {
    return publicKey.equals(createPublicKey({ key: certificate.subjectPublicKeyInfo, format: 'der', type: 'spki' }));
  } catch {
    return false;
  }
}

/** Index of the key's certificate: the one with its localKeyId, else the first with its public key. */
function certificateIndexFor(key: KeyEntry, certificates: readonly CertificateEntry[]): number {
  const publicKey = createPublicKey(key.privateKey);
  const { localKeyId } = key;
  const byId = localKeyId ? certificates.findIndex((certificate) => certificate.localKeyId?.equals(localKeyId)) : -1;
  if (byId >= 0 && !belongsTo(publicKey, certificates[byId]!)) malformed('a private key and the certificate sharing its localKeyId do not match');
  return byId >= 0 ? byId : certificates.findIndex((certificate) => belongsTo(publicKey, certificate));
}

function pairKeysWithCertificates({ keys, certificates }: BagsRead): Pkcs12Contents {
  const unpaired = [...certificates];
  const identities = keys.map((key): Pkcs12Identity => {
    const index = certificateIndexFor(key, unpaired);
    if (index < 0) throw new PkiError('pkcs12.unsupported', 'the file holds a private key without its certificate');
    const [certificate] = unpaired.splice(index, 1) as [CertificateEntry];
    const friendlyName = key.friendlyName ?? certificate.friendlyName;
    return { privateKey: key.privateKey, certificate: certificate.der, ...(friendlyName === undefined ? {} : { friendlyName }) };
  });
  return { identities, certificates: unpaired.map((certificate) => certificate.der) };
}

export function readPkcs12(der: Buffer, password: string): Pkcs12Contents {
  checkPassword(password);
  return readingPkcs12(() => {
    if (!Buffer.isBuffer(der)) malformed('a PKCS#12 file must be given as a Buffer');
    const { authenticatedSafe, macData } = readPfx(der);
    verifyMacData(der, macData, authenticatedSafe, password);
    const bags: BagsRead = { keys: [], certificates: [] };
    forEachSafeContents(authenticatedSafe, password, (safeContents) => readSafeBags(safeContents, password, bags));
    return pairKeysWithCertificates(bags);
  });
}
