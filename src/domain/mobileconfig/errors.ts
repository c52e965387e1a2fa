export const MOBILECONFIG_ERRORS = ['mobileconfig.invalid', 'mobileconfig.not-signable'] as const;
export type MobileconfigErrorCode = (typeof MOBILECONFIG_ERRORS)[number];
