export const CA_ERRORS = ['ca.not-initialized', 'ca.already-issued', 'ca.lint-failed'] as const;
export type CaErrorCode = (typeof CA_ERRORS)[number];
