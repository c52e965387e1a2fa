export const ENROLLMENT_ERRORS = ['csr.malformed', 'csr.bad-signature'] as const;
export type EnrollmentErrorCode = (typeof ENROLLMENT_ERRORS)[number];
