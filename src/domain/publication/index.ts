export type { PublicationDrain, PublicationIntent, PublishedValue } from './model.js';
export type { PublicationErrorCode } from './errors.js';
export { PUBLICATION_ERRORS } from './errors.js';
export type { CurrentEncryptionSerial, DirectoryPublisher, PublicationOutboxRepository, PublishedValueRepository } from './ports.js';
export type { PublicationDeps, PublicationSettings } from './publication-deps.js';
export { requestDirectoryReconciliation } from './request-reconciliation.js';
export type { EntryOutcome } from './reconcile-entry.js';
export { reconcileEntry } from './reconcile-entry.js';
export { drainPublicationOutbox, retryDelayMs } from './drain-outbox.js';
