/**
 * What a SCEP request comes to (RFC 8894 §3.3.2): a certificate, a wait, or a refusal with its failInfo.
 * Domain refusals map to failInfo here, once, for every SCEP message type.
 */
import { isDomainError } from '../errors.js';

export type FailInfo = 'badAlg' | 'badMessageCheck' | 'badRequest' | 'badTime' | 'badCertId';

export type ScepOutcome =
  | { status: 'SUCCESS'; certificate: Buffer }
  /** A GetCRL answered (RFC 8894 §3.3.2): a SUCCESS carrying the CRL. */
  | { status: 'CRL'; crl: Buffer }
  | { status: 'PENDING' }
  | { status: 'FAILURE'; failInfo: FailInfo; reason: string };

const FAIL_INFO: Readonly<Record<string, FailInfo>> = {
  'csr.bad-signature': 'badMessageCheck',
  'key.rejected': 'badAlg',
  'challenge.expired': 'badTime',
  'certificate.not-found': 'badCertId',
  'scep.unknown-transaction': 'badCertId',
};

/** A refusal as a FAILURE; anything that is not a domain refusal is rethrown (an internal error). */
export function failureFrom(error: unknown): ScepOutcome {
  if (!isDomainError(error)) throw error;
  return { status: 'FAILURE', failInfo: FAIL_INFO[error.code] ?? 'badRequest', reason: error.message };
}
