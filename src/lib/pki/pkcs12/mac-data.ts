/**
 * Password integrity (RFC 7292 §4 MacData, §5 and Appendix B.3): an HMAC over the AuthenticatedSafe
 * octets, keyed by the Appendix B KDF (ID 3) over the BMPString password, the key as long as the
 * hash output. SHA-1 is RFC 7292's and what Apple devices accept; SHA-256 is OpenSSL 3's default.
 * `MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { expectTag, integer, nullValue, octetString, oid, readChildren, seq } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import * as pkixOids from '../oids.js';
import { deriveAppendixB, hashSizes, kdfPurpose } from './appendix-b-kdf.js';
import type { Pkcs12Hash } from './appendix-b-kdf.js';
import { readIterationCount } from './iteration-count.js';
import { hasNoParameters, lenient, malformed, readAlgorithmIdentifier, readOctets } from './lenient-reader.js';
import { bmpPassword } from './password.js';
import { idPBMAC1 } from './pkcs12-oids.js';

const digestOids: Record<Pkcs12Hash, string> = {
  sha1: pkixOids.idSha1, sha224: pkixOids.idSha224, sha256: pkixOids.idSha256, sha384: pkixOids.idSha384, sha512: pkixOids.idSha512,
};
const hashByOid = new Map(Object.entries(digestOids).map(([name, dotted]) => [dotted, name as Pkcs12Hash]));

export interface MacOptions {
  hash: Pkcs12Hash;
  iterations: number;
  saltLength: number;
}

function computeMac(hash: Pkcs12Hash, data: Buffer, password: string, salt: Buffer, iterations: number): Buffer {
  const bmp = bmpPassword(password);
  const key = deriveAppendixB({ hash, password: bmp, salt, purpose: kdfPurpose.mac, iterations, length: hashSizes[hash].u });
  bmp.fill(0);
  const mac = createHmac(hash, key).update(data).digest();
  key.fill(0);
  return mac;
}

/** MacData over `authSafe` with a fresh salt; the digest AlgorithmIdentifier has NULL parameters, as OpenSSL writes it. */
export function encodeMacData(authSafe: Buffer, password: string, options: MacOptions): Buffer {
  const salt = randomBytes(options.saltLength);
  const mac = computeMac(options.hash, authSafe, password, salt, options.iterations);
  const digestInfo = seq(seq(oid(digestOids[options.hash]), nullValue()), octetString(mac));
  return seq(digestInfo, octetString(salt), integer(BigInt(options.iterations)));
}

/** Throws PkiError('pkcs12.bad-password') unless the MAC verifies under `password`. */
export function verifyMacData(buf: Buffer, macData: Tlv | undefined, authSafe: Buffer, password: string): void {
  if (!macData) throw new PkiError('pkcs12.unsupported', 'the file has no password MAC (macData), so its integrity cannot be checked');
  const [digestInfo, saltField, iterationsField, extra] = readChildren(buf, expectTag(macData, 0x30, 'MacData'), lenient);
  const [algorithmField, digestField, more] = readChildren(buf, expectTag(digestInfo, 0x30, 'DigestInfo'), lenient);
  if (extra || more) malformed('MacData has extra fields');
  const algorithm = readAlgorithmIdentifier(buf, algorithmField, 'MAC digest algorithm');
  const hash = hashByOid.get(algorithm.oid);
  if (algorithm.oid === idPBMAC1) throw new PkiError('pkcs12.unsupported', 'PBMAC1 (RFC 9579) MACs are not supported');
  if (!hash || !hasNoParameters(algorithm)) throw new PkiError('pkcs12.unsupported', `MAC digest ${algorithm.oid} is not supported`);
  const expected = readOctets(buf, digestField, 'MAC digest');
  const salt = readOctets(buf, saltField, 'MAC salt');
  const iterations = iterationsField ? readIterationCount(buf, iterationsField) : 1;
  const actual = computeMac(hash, authSafe, password, salt, iterations);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new PkiError('pkcs12.bad-password', 'the password is wrong, or the file was altered: its MAC does not verify');
  }
}
