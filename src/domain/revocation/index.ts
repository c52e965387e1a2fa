export type {
  CrlKind, CrlState, PublishedCrl, Revocation, RevocationEntry, RevocationReason, SerialStatus,
} from './model.js';
export { REVOCATION_REASONS, REVOCATION_REASON_NAMES, isRevocationReason, reasonCodeOf } from './model.js';
export type { RevocationErrorCode } from './errors.js';
export { REVOCATION_ERRORS } from './errors.js';
export type { CrlStateRepository, RevocationRepository } from './ports.js';
export type { RevocationDeps, RevocationHooks, RevocationRepos } from './revocation-deps.js';
export { parseRevocationReason, revokeCertificate, revokeRecord } from './revoke-certificate.js';
export type { Departure, DeviceLoss } from './lifecycle-actions.js';
export { recordSubscriberLeaving, reportDeviceLost } from './lifecycle-actions.js';
export type { CrlDeps, CrlRefresh, CrlSettings } from './publish-crl.js';
export { DEFAULT_CRL_SETTINGS, crlNumbers, currentCrl, currentShardCrl, generateCrls, refreshCrls } from './publish-crl.js';
export type { OcspAnswer, OcspDeps, OcspSettings } from './ocsp-responder.js';
export { DEFAULT_OCSP_SETTINGS, OcspResponder } from './ocsp-responder.js';
