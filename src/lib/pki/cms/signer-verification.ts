/**
 * Verifies one SignerInfo of a SignedData (RFC 5652 §5.4, §5.6): the content-type and
 * message-digest attributes (§11.1, §11.2) against the encapsulated content, then the signature
 * over the DER `SET OF` re-tagging of the signed attributes exactly as received (or over the
 * content itself when there are none). RSA PKCS#1 v1.5 (including the bare rsaEncryption OID of
 * RFC 3370 §3.2), RSASSA-PSS and ECDSA, through the same verifier PKCS#10 requests use.
 */
import { createHash, timingSafeEqual, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { oid, readTlv, stringOctets } from '../der.js';
import { verifyRequestSignature } from '../csr-signature.js';
import { PkiError } from '../errors.js';
import * as oids from '../oids.js';
import type { PublicKeyInfo } from '../public-key.js';
import { idContentType, idMessageDigest } from './cms-oids.js';
import { importSignerKey } from './signer-key.js';
import type { SignedDataInfo, SignerInfo } from './signed-data-reader.js';
import type { CmsDigest } from './signature-algorithms.js';

function badSignature(message: string): never {
  throw new PkiError('cms.bad-signature', message);
}

function unsupported(message: string): never {
  throw new PkiError('cms.unsupported-algorithm', message);
}

function singleValue(signerInfo: SignerInfo, type: string, what: string): Buffer {
  const values = signerInfo.signedAttributes?.values.get(type);
  if (values?.length !== 1) badSignature(`signed attributes need exactly one ${what}`);
  return values[0]!;
}

/** §5.4: the signature covers `SET OF Attribute` — the received [0] IMPLICIT with its tag set back to 0x31. */
function signedBytesOf(signed: SignedDataInfo, signerInfo: SignerInfo, digest: CmsDigest): Buffer {
  const content = signed.content ?? Buffer.alloc(0);
  if (!signerInfo.signedAttributes) return content;
  if (!singleValue(signerInfo, idContentType, 'content type').equals(oid(signed.contentType))) {
    badSignature('the content-type attribute does not match the content');
  }
  const digestValue = singleValue(signerInfo, idMessageDigest, 'message digest');
  let claimed: Buffer;
  try {
    claimed = stringOctets(digestValue, readTlv(digestValue, 0, { ber: true }), { ber: true });
  } catch {
    badSignature('the message-digest attribute is not an OCTET STRING');
  }
  const actual = createHash(digest).update(content).digest();
  if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) badSignature('the message digest does not match the content');
  const setOf = Buffer.from(signerInfo.signedAttributes.der);
  setOf[0] = 0x31;
  return setOf;
}

function verifyValue(signerInfo: SignerInfo, signedBytes: Buffer, key: KeyObject, keyInfo: PublicKeyInfo, digest: CmsDigest): void {
  if (signerInfo.signatureAlgorithmOid === oids.rsaEncryption) {
    // RFC 3370 §3.2: the bare key OID; the hash is the digestAlgorithm's.
    if (keyInfo.kind !== 'rsa') badSignature('the signature algorithm does not match the signer key');
    let valid = false;
    try {
      valid = verify(digest, signedBytes, key, signerInfo.signature);
    } catch {
      valid = false;
    }
    if (!valid) badSignature('the signature does not verify');
    return;
  }
  const algorithm = readTlv(signerInfo.signatureAlgorithm, 0, { ber: true });
  try {
    verifyRequestSignature({ buf: signerInfo.signatureAlgorithm, signedBytes, algorithm, signature: signerInfo.signature }, key, keyInfo);
  } catch (error) {
    if (error instanceof PkiError && error.code === 'csr.unsupported-algorithm') unsupported('unsupported signature algorithm');
    badSignature('the signature does not verify');
  }
}

/**
 * Checks a SignerInfo of `signed` with the signer's SubjectPublicKeyInfo. Throws PkiError
 * 'cms.bad-signature' (mismatch) or 'cms.unsupported-algorithm' (a digest, signature or key we do
 * not handle). An absent eContent is taken as empty, as Go's pkcs7 does for SCEP FAILURE replies.
 * Returns what the signer's key is.
 */
export function verifySignerInfo(signed: SignedDataInfo, signerInfo: SignerInfo, publicKeySpki: Buffer): PublicKeyInfo {
  const digest = signerInfo.digest ?? unsupported('unsupported digest algorithm');
  let imported: ReturnType<typeof importSignerKey>;
  try {
    imported = importSignerKey(publicKeySpki);
  } catch (error) {
    if (error instanceof PkiError && error.code === 'key.unsupported') unsupported('unsupported signer key');
    throw new PkiError('cms.malformed', 'the signer public key is not a valid SubjectPublicKeyInfo', { cause: error });
  }
  verifyValue(signerInfo, signedBytesOf(signed, signerInfo, digest), imported.key, imported.info, digest);
  return imported.info;
}
