export const ACCESS_ERRORS = [
  'auth.missing-token',
  'auth.invalid-token',
  'auth.forbidden',
  'operator.exists',
  'operator.not-found',
  'operator.invalid-role',
  'operator.invalid-name',
  'operator.last-admin',
] as const;
export type AccessErrorCode = (typeof ACCESS_ERRORS)[number];
