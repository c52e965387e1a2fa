export type { EnrollmentErrorCode } from './errors.js';
export { ENROLLMENT_ERRORS } from './errors.js';
export { readCertificationRequest } from './read-request.js';
export type { CsrIssuance, IssuanceDeps } from './issue-from-csr.js';
export { issueFromCsr } from './issue-from-csr.js';
