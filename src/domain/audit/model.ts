/** Audit records: append-only, each one chained to the one before it by a SHA-256 hash. */

/** Who did something: an operator by token, the local administrator at the console, or mcms itself. */
export interface Actor {
  kind: 'operator' | 'local' | 'system';
  /** Operator id, OS user name, or the name of the job. */
  id: string;
  name: string;
}

export interface AuditRecord {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditEntry {
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

/** The newest record's position and hash; the genesis head is seq 0 and 64 zeros. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export type AuditFinding =
  | { kind: 'edited'; seq: number }
  | { kind: 'broken-link'; seq: number }
  | { kind: 'gap'; afterSeq: number; nextSeq: number }
  | { kind: 'head-mismatch'; headSeq: number; lastSeq: number };

export interface AuditVerification {
  ok: boolean;
  records: number;
  findings: AuditFinding[];
}

export function describeActor(actor: Actor): string {
  return `${actor.kind}:${actor.name}`;
}
