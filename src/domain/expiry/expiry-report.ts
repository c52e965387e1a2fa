/**
 * The expiry outlook (`mcms report expiry`, GET /api/v1/reports/expiry): how many valid certificates,
 * issued and monitored, end in each week of the next 90 days (the data a dashboard chart draws), how
 * many have already expired, and the outbox's state. Counts use the notAfter index, one range per week.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { ExpiryErrorCode } from './errors.js';
import type { ExpiryDeps } from './expiry-deps.js';
import type { OutboxStatus } from './model.js';

const WEEK_MS = 7 * 86_400_000;

export interface ExpiryWeek {
  from: Date;
  to: Date;
  issued: number;
  monitored: number;
}

export interface ExpiryReport {
  now: Date;
  weeks: ExpiryWeek[];
  outbox: Record<OutboxStatus, number>;
}

export async function expiryReport(deps: ExpiryDeps, principal: Principal, options: { now?: Date | undefined; days?: number | undefined } = {}): Promise<ExpiryReport> {
  requirePermission(principal, 'certificates.read');
  const days = options.days ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new DomainError<ExpiryErrorCode>('expiry.invalid-request', 'the outlook covers 1 to 366 days');
  const now = options.now ?? deps.clock.now();
  const end = now.getTime() + days * 86_400_000;
  const { expiry } = deps.uow.read;
  const weeks: ExpiryWeek[] = [];
  for (let from = now.getTime(); from < end; from += WEEK_MS) {
    const range = [new Date(from), new Date(Math.min(from + WEEK_MS, end))] as const;
    const [issued, monitored] = await Promise.all([expiry.countExpiring('issued', ...range), expiry.countExpiring('monitored', ...range)]);
    weeks.push({ from: range[0], to: range[1], issued, monitored });
  }
  return { now, weeks, outbox: await expiry.outboxCounts() };
}
