export type { CertificateFilter, CertificateRecord, CertificateState, CertificateStatus } from './model.js';
export { certificateState } from './model.js';
export type { InventoryErrorCode } from './errors.js';
export { INVENTORY_ERRORS } from './errors.js';
export type { CertificateRepository } from './ports.js';
export type { Ownership } from './inventory-record.js';
export { inventoryRecord } from './inventory-record.js';
export type { CertificateQuery, InventoryDeps } from './query-certificates.js';
export { listCertificates, normaliseSerial, showCertificate } from './query-certificates.js';
