export const ENROLLMENT_ERRORS = [
  'csr.malformed',
  'csr.bad-signature',
  'challenge.invalid',
  'challenge.expired',
  'challenge.used',
  'challenge.locked',
  'challenge.wrong-profile',
  'challenge.invalid-ttl',
  'scep.bad-message',
  'scep.transaction-exists',
  'scep.unknown-transaction',
  'scep.renewal-refused',
] as const;
export type EnrollmentErrorCode = (typeof ENROLLMENT_ERRORS)[number];
