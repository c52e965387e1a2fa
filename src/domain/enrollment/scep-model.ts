/**
 * SCEP transactions (RFC 8894 §3.2.1.1: the transactionID is constant over one enrollment). mcms keys
 * them by transactionID *and* the requester's public key, so a replay returns the first result, and
 * nobody else can collect a certificate by guessing another device's transactionID.
 */

export type ScepTransactionStatus = 'pending' | 'issued' | 'rejected';

export interface ScepTransaction {
  transactionId: string;
  /** SHA-256 of the requester's SubjectPublicKeyInfo, hex. */
  requesterKeyHash: string;
  profile: string;
  subscriberId: string;
  deviceId: string | null;
  status: ScepTransactionStatus;
  /** The PKCS#10 request, kept while the transaction waits for approval. */
  csr: Buffer;
  certificateSerial: string | null;
  approvalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
