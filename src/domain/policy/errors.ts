export const POLICY_ERRORS = ['profile.unknown', 'profile.invalid', 'key.rejected'] as const;
export type PolicyErrorCode = (typeof POLICY_ERRORS)[number];
