/**
 * The storage the software key store needs: one row per key with the public key in the clear and the
 * private key sealed under the master key. The key store owns this port; adapters/db implements it.
 */

export interface KeyBlob {
  id: string;
  label: string;
  /** One of KEY_ALGORITHMS; checked again when the key is opened. */
  algorithm: string;
  /** DER SubjectPublicKeyInfo. */
  publicKey: Buffer;
  /** The PKCS#8 private key, sealed (see sealed-key.ts). */
  sealed: Buffer;
  createdAt: Date;
}

export interface KeyBlobRepository {
  put(blob: KeyBlob): Promise<void>;
  get(id: string): Promise<KeyBlob | null>;
}
