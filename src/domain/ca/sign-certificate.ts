/**
 * Signs a TBSCertificate (RFC 5280 §4.1) with a key in custody: the one place where certificate
 * bytes meet a CA key. The signature algorithm follows the signer's key (S/MIME BR §7.1.3.2).
 */
import type { Extension } from '../../lib/pki/index.js';
import { assembleCertificate, describePublicKey, encodeTbsCertificate, signatureAlgorithmFor } from '../../lib/pki/index.js';
import type { SigningKey } from './model.js';

export interface CertificateContent {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Buffer;
  extensions: Extension[];
}

export interface Signer {
  key: SigningKey;
  algorithmIdentifier: Buffer;
  hash: 'sha256' | 'sha384' | 'sha512';
}

export function signerFor(key: SigningKey): Signer {
  const { algorithmIdentifier, hash } = signatureAlgorithmFor(describePublicKey(key.publicKey));
  return { key, algorithmIdentifier, hash };
}

export async function signCertificate(signer: Signer, content: CertificateContent): Promise<Buffer> {
  const tbs = encodeTbsCertificate({ ...content, signatureAlgorithm: signer.algorithmIdentifier });
  const signature = await signer.key.sign(tbs, signer.hash);
  return assembleCertificate(tbs, signer.algorithmIdentifier, signature);
}
