/**
 * Escrowed encryption identities (S/MIME BR §6.1.1.3, §6.1.2, §4.12.1; smime-mobile-notes §6.5): a
 * centrally generated key pair, its smime-encryption certificate, and the private key archived under
 * its own data key, which the escrow (KRA) key wraps. A person has at most one current identity; the
 * others are past, kept for reading old mail.
 */

/** Encryption key algorithms mcms generates centrally; P-256 certificates carry keyAgreement. */
export const ENCRYPTION_KEY_ALGORITHMS = ['rsa-2048', 'rsa-3072', 'p-256'] as const;
export type EncryptionKeyAlgorithm = (typeof ENCRYPTION_KEY_ALGORITHMS)[number];

export type EscrowStatus = 'current' | 'past';

/** Why an identity is no longer current. */
export type PastReason = 'rekeyed' | 'recertified' | 'compromised';

export interface EscrowRecord {
  id: string;
  subscriberId: string;
  certificateSerial: string;
  keyAlgorithm: EncryptionKeyAlgorithm;
  /** SHA-256 of the SubjectPublicKeyInfo, lower-case hex (as in the inventory). */
  publicKeyHash: string;
  status: EscrowStatus;
  pastReason: PastReason | null;
  /** version ‖ nonce ‖ tag ‖ AES-256-GCM(PKCS#8), see key-archive.ts. */
  sealedKey: Buffer;
  /** The data key, RSA-OAEP-SHA256 under the KRA key `kraKeyId`. */
  wrappedKey: Buffer;
  kraKeyId: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/** An escrow (KRA) key in custody; the newest active one wraps new data keys. */
export interface KraKey {
  keyId: string;
  status: 'active' | 'retired';
  createdAt: Date;
}

/** What operators and the person see of an identity: never key material. */
export interface EncryptionIdentity {
  id: string;
  serial: string;
  keyAlgorithm: EncryptionKeyAlgorithm;
  status: EscrowStatus;
  pastReason: PastReason | null;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
  retiredAt: Date | null;
}

export function isEncryptionKeyAlgorithm(value: string): value is EncryptionKeyAlgorithm {
  return (ENCRYPTION_KEY_ALGORITHMS as readonly string[]).includes(value);
}
