/**
 * The CAs as status publishers (RFC 5280 §5, RFC 6960 §2.6, S/MIME BR §4.9.9): for each CA we run,
 * its name and key identifiers, the hashes an OCSP CertID names it by (SHA-1 and SHA-256, RFC 6960
 * §4.1.1 and RFC 9919), and the two signing steps that use its keys: a CRL, signed by the CA's own key,
 * and an OCSP response, signed by the newest active delegated responder the CA certified
 * (id-kp-OCSPSigning, id-pkix-ocsp-nocheck), or by the CA key when it has none (the root).
 * Only this module touches CA keys; the revocation module hands it bytes to sign.
 */
import { createHash } from 'node:crypto';
import { keyIdentifier, readBitString, readCertificate, readChildren, readWhole } from '../../lib/pki/index.js';
import type { CaIdentity } from './model.js';
import type { IdentityRepository, KeyStore } from './ports.js';
import type { Signer } from './sign-certificate.js';
import { signerFor } from './sign-certificate.js';

export type CertIdHash = 'sha1' | 'sha256';

export interface OcspResponder {
  /** The delegated responder certificate (DER), or null when the CA signs itself. */
  certificate: Buffer | null;
  /** SHA-1 of the responder's public key BIT STRING value: ResponderID byKey (RFC 6960 §4.2.1). */
  responderKeyHash: Buffer;
  /** The responder certificate's notAfter (the CA's for a CA-signed response). */
  notAfter: Date;
  algorithmIdentifier: Buffer;
  sign(tbs: Buffer): Promise<Buffer>;
}

export interface StatusAuthority {
  identity: CaIdentity;
  /** The CA's subject Name (DER): the issuer of what it signs. */
  name: Buffer;
  keyIdentifier: Buffer;
  /** issuerNameHash and issuerKeyHash per CertID hash algorithm. */
  certIdHashes: Record<CertIdHash, { nameHash: Buffer; keyHash: Buffer }>;
  notAfter: Date;
  crlAlgorithmIdentifier: Buffer;
  /** Signs a TBSCertList with the CA key. */
  signCrl(tbs: Buffer): Promise<Buffer>;
  ocsp: OcspResponder;
}

function publicKeyBits(spki: Buffer): Buffer {
  const [, bits] = readChildren(spki, readWhole(spki, 'SubjectPublicKeyInfo'));
  return readBitString(spki, bits!).bytes;
}

const hash = (algorithm: CertIdHash, data: Buffer) => createHash(algorithm).update(data).digest();

function responder(signer: Signer, certificate: Buffer | null, spki: Buffer, notAfter: Date): OcspResponder {
  return {
    certificate, responderKeyHash: hash('sha1', publicKeyBits(spki)), notAfter, algorithmIdentifier: signer.algorithmIdentifier,
    sign: (tbs) => signer.key.sign(tbs, signer.hash),
  };
}

/** Every active CA (root and issuing) with its status signers; computed once per load. */
export async function loadStatusAuthorities(deps: { identities: IdentityRepository; keys: KeyStore }): Promise<StatusAuthority[]> {
  const identities = await deps.identities.list();
  const cas = identities.filter((i) => i.active && (i.role === 'root-ca' || i.role === 'issuing-ca'));
  const authorities: StatusAuthority[] = [];
  for (const ca of cas) {
    const fields = readCertificate(ca.certificate);
    const caSigner = signerFor(await deps.keys.get(ca.keyId));
    const delegated = identities
      .filter((i) => i.active && i.role === 'ocsp-signer' && i.issuerId === ca.id)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    let ocsp = responder(caSigner, null, fields.subjectPublicKeyInfo, fields.notAfter);
    if (delegated) {
      const signerFields = readCertificate(delegated.certificate);
      ocsp = responder(signerFor(await deps.keys.get(delegated.keyId)), delegated.certificate, signerFields.subjectPublicKeyInfo, signerFields.notAfter);
    }
    const keyBits = publicKeyBits(fields.subjectPublicKeyInfo);
    authorities.push({
      identity: ca,
      name: fields.subject,
      keyIdentifier: fields.subjectKeyIdentifier ?? keyIdentifier(fields.subjectPublicKeyInfo),
      certIdHashes: {
        sha1: { nameHash: hash('sha1', fields.subject), keyHash: hash('sha1', keyBits) },
        sha256: { nameHash: hash('sha256', fields.subject), keyHash: hash('sha256', keyBits) },
      },
      notAfter: fields.notAfter,
      crlAlgorithmIdentifier: caSigner.algorithmIdentifier,
      signCrl: (tbs) => caSigner.key.sign(tbs, caSigner.hash),
      ocsp,
    });
  }
  return authorities;
}
