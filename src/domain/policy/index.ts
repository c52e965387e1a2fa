export type { CertificateProfile, Generation, ProfileId, ProfileSettings, ValidationType } from './model.js';
export { GENERATIONS, MAX_VALIDITY_DAYS, PROFILE_IDS, VALIDATION_TYPES } from './model.js';
export type { PolicyErrorCode } from './errors.js';
export { POLICY_ERRORS } from './errors.js';
export { ProfileCatalog, buildProfile, isProfileId, profileSettingsProblem } from './profiles.js';
export { checkSubscriberKey, keyUsageFor } from './key-usage.js';
export type { SubjectSettings } from './subject.js';
export { MAX_COMMON_NAME, subscriberSubject } from './subject.js';
