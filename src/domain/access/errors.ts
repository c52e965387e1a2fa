export const ACCESS_ERRORS = [
  'auth.missing-token',
  'auth.invalid-token',
  'auth.forbidden',
  'operator.exists',
  'operator.not-found',
  'operator.invalid-role',
  'operator.invalid-name',
  'operator.last-admin',
  'approval.not-found',
  'approval.already-voted',
  'approval.own-request',
  'approval.closed',
] as const;
export type AccessErrorCode = (typeof ACCESS_ERRORS)[number];
