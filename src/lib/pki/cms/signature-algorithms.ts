/**
 * The digest and signature AlgorithmIdentifiers of CMS signatures: RFC 3370 §2.1 (SHA-1, parameters
 * absent), RFC 5754 §2 (SHA-2, parameters absent) and §3.2 (sha*WithRSAEncryption, NULL parameters),
 * RFC 5753 §7.1.3 / RFC 5758 §3.2 (ecdsa-with-SHA*, parameters absent). Encodings are made once and
 * shared: do not modify them.
 */
import { nullValue, oid, seq } from '../der.js';
import * as oids from '../oids.js';

export type CmsDigest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** The kinds of signer key a CMS signer of ours can hold. */
export type SignerKeyKind = 'rsa' | 'ec';

const digestOids: Record<CmsDigest, string> = {
  sha1: oids.idSha1, sha224: oids.idSha224, sha256: oids.idSha256, sha384: oids.idSha384, sha512: oids.idSha512,
};

const rsaSignatureOids: Record<CmsDigest, string> = {
  sha1: oids.sha1WithRSAEncryption,
  sha224: oids.sha224WithRSAEncryption,
  sha256: oids.sha256WithRSAEncryption,
  sha384: oids.sha384WithRSAEncryption,
  sha512: oids.sha512WithRSAEncryption,
};

const ecdsaSignatureOids: Record<CmsDigest, string> = {
  sha1: oids.ecdsaWithSHA1,
  sha224: oids.ecdsaWithSHA224,
  sha256: oids.ecdsaWithSHA256,
  sha384: oids.ecdsaWithSHA384,
  sha512: oids.ecdsaWithSHA512,
};

const digests = Object.keys(digestOids) as CmsDigest[];

const digestByOid = new Map(digests.map((digest) => [digestOids[digest], digest]));
const digestIdentifiers = new Map(digests.map((digest) => [digest, seq(oid(digestOids[digest]))]));
const rsaIdentifiers = new Map(digests.map((digest) => [digest, seq(oid(rsaSignatureOids[digest]), nullValue())]));
const ecdsaIdentifiers = new Map(digests.map((digest) => [digest, seq(oid(ecdsaSignatureOids[digest]))]));

export function isCmsDigest(value: string): value is CmsDigest {
  return Object.hasOwn(digestOids, value);
}

/** The digest a DigestAlgorithmIdentifier names, or undefined for one we do not compute. */
export function digestOfOid(algorithm: string): CmsDigest | undefined {
  return digestByOid.get(algorithm);
}

export function digestAlgorithmIdentifier(digest: CmsDigest): Buffer {
  return digestIdentifiers.get(digest)!;
}

export function signatureAlgorithmIdentifier(keyKind: SignerKeyKind, digest: CmsDigest): Buffer {
  return (keyKind === 'rsa' ? rsaIdentifiers : ecdsaIdentifiers).get(digest)!;
}
