/**
 * Profile signing and encryption (smime-mobile-notes §2): encryption first — the payload array
 * serialised as its own plist (root an array), CMS EnvelopedData to the device identity with RSA
 * PKCS#1 v1.5 key transport and AES-256-CBC, put in `EncryptedPayloadContent` with `IsEncrypted` —
 * then the whole XML plist signed as attached CMS SignedData (SHA-256, signed attributes, the signer's
 * chain included) by the profile-signing certificate.
 */
import { buildEnvelopedData, buildSignedData, idData, idSigningTime, time } from '../../lib/pki/index.js';
import type { PlistDict } from '../../lib/plist/index.js';
import { writePlist } from '../../lib/plist/index.js';
import type { SigningKey } from '../ca/index.js';
import type { ConfigurationProfile } from './smime-profile.js';

export interface ProfileSigner {
  certificate: Buffer;
  /** Issuing CA first, then up to the root: included so a device can build the path. */
  chain: Buffer[];
  key: SigningKey;
}

/** Replaces PayloadContent by its EnvelopedData to the device's identity certificate (§2.2). */
export function encryptProfile<P extends ConfigurationProfile | PlistDict>(profile: P, recipientCertificate: Buffer): PlistDict {
  const { PayloadContent: payloads, ...rest } = profile;
  if (!Array.isArray(payloads)) throw new Error('the profile has no payload array to encrypt');
  const content = Buffer.from(writePlist(payloads), 'utf8');
  const envelope = buildEnvelopedData({ content, recipientCertificate, contentEncryption: 'aes-256-cbc' });
  return { ...rest, IsEncrypted: true, EncryptedPayloadContent: envelope };
}

/** The DER SignedData served as `application/x-apple-aspen-config`. */
export async function signProfile(profile: PlistDict, signer: ProfileSigner, now: Date): Promise<Buffer> {
  const content = Buffer.from(writePlist(profile), 'utf8');
  return buildSignedData({
    contentType: idData,
    content,
    certificates: [signer.certificate, ...signer.chain],
    signer: {
      certificate: signer.certificate,
      signedAttributes: [{ oid: idSigningTime, values: [time(now)] }],
      digest: 'sha256',
      keyKind: signer.key.algorithm.startsWith('p-') ? 'ec' : 'rsa',
      sign: (data) => signer.key.sign(data, 'sha256'),
    },
  });
}
