/**
 * Turns outside bytes into a checked certificate request: PKCS#10 syntax and self-signature (RFC 2986
 * §4.2 proof of possession), then the key policy. Everything else in the CSR (subject, requested
 * SANs, extensions) is ignored on purpose: names come from the person's record.
 */
import type { CertificationRequest } from '../../lib/pki/index.js';
import { parseCertificationRequest, PkiError } from '../../lib/pki/index.js';
import { DomainError } from '../errors.js';
import { checkSubscriberKey } from '../policy/index.js';
import type { EnrollmentErrorCode } from './errors.js';

export function readCertificationRequest(input: string | Buffer): CertificationRequest {
  let csr: CertificationRequest;
  try {
    csr = parseCertificationRequest(input);
  } catch (error) {
    if (!(error instanceof PkiError)) throw error;
    if (error.code === 'key.unsupported') throw new DomainError('key.rejected', error.message);
    const code: EnrollmentErrorCode = error.code === 'csr.bad-signature' ? 'csr.bad-signature' : 'csr.malformed';
    throw new DomainError(code, error.message);
  }
  checkSubscriberKey(csr.publicKey);
  return csr;
}
