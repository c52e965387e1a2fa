export const REVOCATION_ERRORS = [
  'revocation.already-revoked',
  'revocation.invalid-reason',
  'revocation.reason-not-allowed',
  'revocation.unknown-ca',
  'device.already-lost',
] as const;
export type RevocationErrorCode = (typeof REVOCATION_ERRORS)[number];
