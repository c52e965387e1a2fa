/**
 * The hash chain. A record's hash covers its own fields and the previous record's hash, so editing,
 * removing or reordering any record breaks the chain from that point; the head row catches a
 * truncated tail.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './model.js';

/** JSON with object keys sorted at every level, so the same details always hash the same. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const material = [
    record.seq,
    record.at.toISOString(),
    record.actor,
    record.action,
    record.target ?? '',
    canonicalJson(record.details),
    record.prevHash,
  ].join('\n');
  return createHash('sha256').update(material).digest('hex');
}
