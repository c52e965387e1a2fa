export type {
  CertificateSource, ExpiryActionName, ExpiryEvent, ExpiryPolicy, ExpirySettings, MonitoredCertificate, OutboxChannel, OutboxItem,
  OutboxKind, OutboxStatus, ProfileSet,
} from './model.js';
export { EXPIRY_ACTIONS, EXTERNAL_PROFILE, noticeDays, noticeEvent, OUTBOX_STATUSES, policyFor } from './model.js';
export type { ExpiryErrorCode } from './errors.js';
export { EXPIRY_ERRORS } from './errors.js';
export type {
  DirectoryCertificateEntry, DirectoryCertificates, EnqueueForEvents, EventFamily, EventPass, EventRange, ExpiryRepository, HighWaterMarks, ScanMark, WebhookSender } from './ports.js';
export { WebhookError } from './ports.js';
export type { DeliveryDeps, ExpiryDeps } from './expiry-deps.js';
export type { ActionSubject, ExpiryAction } from './expiry-action.js';
export { certificateJson } from './expiry-action.js';
export type { ExpiryScan } from './scan-expiry.js';
export { scanExpiry, scanFamilies } from './scan-expiry.js';
export type { OutboxRun } from './deliver-notifications.js';
export { deliverNotifications, retryDelayMs } from './deliver-notifications.js';
export { actionMail, daysLeft, holderNotice, noticeWebhookBody, operatorDigest } from './notice-messages.js';
export type { FileImport, ImportFile, ImportedCertificate } from './import-certificates.js';
export { certificatesInFile, importMonitoredCertificates, monitoredRecord } from './import-certificates.js';
export type { DirectoryImport, EntryImport } from './import-directory-certificates.js';
export { importDirectoryCertificates } from './import-directory-certificates.js';
export type { ExpiryReport, ExpiryWeek } from './expiry-report.js';
export { expiryReport } from './expiry-report.js';
export { listOutbox } from './outbox-listing.js';
