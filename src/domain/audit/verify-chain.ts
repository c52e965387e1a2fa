/**
 * Walks the whole trail in order and reports every record that was edited, removed or reordered.
 * Reads in batches, so a trail of millions of records needs constant memory.
 */
import { hashRecord } from './chain.js';
import type { AuditFinding, AuditVerification } from './model.js';
import { GENESIS_HASH } from './model.js';
import type { AuditRepository } from './ports.js';

const BATCH = 1000;

export async function verifyAuditChain(audit: AuditRepository): Promise<AuditVerification> {
  const findings: AuditFinding[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  let records = 0;
  for (;;) {
    const batch = await audit.listAfter(lastSeq, BATCH);
    for (const record of batch) {
      records += 1;
      if (record.seq !== expectedSeq) findings.push({ kind: 'gap', afterSeq: expectedSeq - 1, nextSeq: record.seq });
      if (record.prevHash !== prevHash) findings.push({ kind: 'broken-link', seq: record.seq });
      const { hash: _stored, ...unsigned } = record;
      if (hashRecord(unsigned) !== record.hash) findings.push({ kind: 'edited', seq: record.seq });
      prevHash = record.hash;
      expectedSeq = record.seq + 1;
      lastSeq = record.seq;
    }
    if (batch.length < BATCH) break;
  }
  const head = await audit.head();
  if (head.seq !== lastSeq || head.hash !== prevHash) {
    findings.push({ kind: 'head-mismatch', headSeq: head.seq, lastSeq });
  }
  return { ok: findings.length === 0, records, findings };
}
