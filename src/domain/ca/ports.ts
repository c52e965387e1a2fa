import type { CaIdentity, IdentityRole, KeyAlgorithm, SigningKey } from './model.js';

export interface IdentityRepository {
  insert(identity: CaIdentity): Promise<void>;
  findById(id: string): Promise<CaIdentity | null>;
  findActive(role: IdentityRole): Promise<CaIdentity | null>;
  list(): Promise<CaIdentity[]>;
}

/**
 * Key custody. The software store keeps keys encrypted under the master key; an HSM store (PKCS#11)
 * keeps them in the token. Either way callers get a handle that signs, never the key.
 */
export interface KeyStore {
  /** Creates and persists a new key pair. */
  generate(input: { algorithm: KeyAlgorithm; label: string }): Promise<SigningKey>;
  /** The key with that id; loaded once, then served from memory. Throws if unknown. */
  get(keyId: string): Promise<SigningKey>;
}
