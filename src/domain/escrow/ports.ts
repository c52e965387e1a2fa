import type { KeyObject } from 'node:crypto';
import type { EncryptionKeyAlgorithm, EscrowRecord, KraKey, PastReason } from './model.js';

export interface EscrowRepository {
  insert(record: EscrowRecord): Promise<void>;
  findById(id: string): Promise<EscrowRecord | null>;
  findBySerial(serial: string): Promise<EscrowRecord | null>;
  /** The person's current identity, if any. */
  findCurrent(subscriberId: string): Promise<EscrowRecord | null>;
  /** Every identity of the person, newest first. */
  listBySubscriber(subscriberId: string): Promise<EscrowRecord[]>;
  /** Makes the record past with a reason (a past record keeps its first retirement instant). */
  retire(id: string, change: { reason: PastReason; at: Date }): Promise<void>;
  /** Up to `limit` records whose data key is not wrapped by `kraKeyId`, oldest first. */
  listNotWrappedBy(kraKeyId: string, limit: number): Promise<EscrowRecord[]>;
  /** Replaces the wrapped data key if it is still wrapped by `fromKraKeyId`; false if it was not. */
  rewrap(id: string, change: { fromKraKeyId: string; toKraKeyId: string; wrappedKey: Buffer }): Promise<boolean>;
  countNotWrappedBy(kraKeyId: string): Promise<number>;
  /** Records a recovery export; throws DomainError('escrow.already-exported') on a second one. */
  recordExport(approvalId: string, change: { at: Date; by: string }): Promise<void>;
}

export interface KraKeyRepository {
  insert(key: KraKey): Promise<void>;
  /** The newest active KRA key. */
  active(): Promise<KraKey | null>;
  list(): Promise<KraKey[]>;
  retireAllBut(keyId: string): Promise<void>;
}

export interface EncryptionKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/**
 * Where fresh encryption key pairs come from: a pool of pre-generated pairs (adapters/keys), each
 * handed out once and never written anywhere in the clear.
 */
export interface EncryptionKeySource {
  take(algorithm: EncryptionKeyAlgorithm): Promise<EncryptionKeyPair>;
}
