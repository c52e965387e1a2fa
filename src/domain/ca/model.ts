/**
 * The CA hierarchy as mcms runs it: a root, an issuing CA, and the service identities the issuing CA
 * certifies for mcms itself (the SCEP RA, the OCSP signer, the profile signer).
 */

export const KEY_ALGORITHMS = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'p-256', 'p-384'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export type IdentityRole = 'root-ca' | 'issuing-ca' | 'scep-ra' | 'ocsp-signer' | 'profile-signer';

export interface CaIdentity {
  /** A short slug used in URLs (`/crl/<id>.crl`, `/ca/<id>.crt`), e.g. `root`, `issuing`. */
  id: string;
  role: IdentityRole;
  /** The identity that certified this one; the root's is its own id. */
  issuerId: string;
  certificate: Buffer;
  keyId: string;
  active: boolean;
  createdAt: Date;
}

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** A private key in custody. The key material never leaves the key store. */
export interface SigningKey {
  readonly id: string;
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Buffer;
  sign(data: Buffer, hash: HashName): Promise<Buffer>;
  /**
   * RSA keys only: the raw private operation (no padding) on one block, for key transport (SCEP
   * envelopes, encrypted S/MIME). Unpadding belongs to the caller, which must not leak padding errors.
   */
  rsaRawDecrypt?(block: Buffer): Promise<Buffer>;
  /** RSA keys only: RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1.2), for escrow data keys. */
  rsaOaepDecrypt?(block: Buffer): Promise<Buffer>;
}
