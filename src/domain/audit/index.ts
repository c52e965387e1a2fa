export type { Actor, AuditEntry, AuditFinding, AuditHead, AuditRecord, AuditVerification } from './model.js';
export { GENESIS_HASH, describeActor } from './model.js';
export type { AuditRepository } from './ports.js';
export { canonicalJson, hashRecord } from './chain.js';
export { recordAuditEvent } from './record-event.js';
export { verifyAuditChain } from './verify-chain.js';
