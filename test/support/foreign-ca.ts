/**
 * Certificates from "another CA" for the monitoring tests: a P-256 CA and leaves made with
 * @peculiar/x509 (not mcms's own encoder), so the import reads what a third party wrote.
 */
import 'reflect-metadata';
import type { webcrypto as WebCrypto } from 'node:crypto';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface ForeignLeaf {
  /** The mailbox in a rfc822Name SAN, or (with `emailInSubject`) as emailAddress in the subject. */
  email: string;
  emailInSubject?: boolean;
  commonName: string;
  notAfter: Date;
}

export async function foreignCa(name = 'Other Vendor CA') {
  const keys = await webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']) as WebCrypto.CryptoKeyPair;
  const leafKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as WebCrypto.CryptoKeyPair;
  let serial = 0x1000;
  return {
    /** DER certificates, one per leaf (one key pair shared: only the certificates matter here). */
    async issue(leaves: ForeignLeaf[]): Promise<Buffer[]> {
      const out: Buffer[] = [];
      for (const leaf of leaves) {
        serial += 1;
        const subject = leaf.emailInSubject ? `CN=${leaf.commonName}, E=${leaf.email}` : `CN=${leaf.commonName}`;
        const cert = await x509.X509CertificateGenerator.create({
          serialNumber: serial.toString(16).padStart(8, '0'), subject, issuer: `CN=${name}, O=Other Vendor`,
          notBefore: new Date(leaf.notAfter.getTime() - 365 * 86_400_000), notAfter: leaf.notAfter,
          signingAlgorithm: ALG, publicKey: leafKeys.publicKey, signingKey: keys.privateKey,
          extensions: leaf.emailInSubject ? [] : [new x509.SubjectAlternativeNameExtension([{ type: 'email', value: leaf.email }])],
        });
        out.push(Buffer.from(cert.rawData));
      }
      return out;
    },
  };
}
