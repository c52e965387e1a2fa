export const EXPIRY_ERRORS = ['expiry.invalid-request'] as const;
export type ExpiryErrorCode = (typeof EXPIRY_ERRORS)[number];
