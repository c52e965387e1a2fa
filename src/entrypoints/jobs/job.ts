/**
 * Scheduled work (CRL refresh, directory sync, publication outbox, expiry scan). A job is a function
 * of the `Mcms` facade and the time; `main/` runs the list in `index.ts` on a cron schedule inside
 * `mcms serve`, with a lease row per job so that one node runs each job when several share a database.
 * `mcms job run NAME` runs one by hand.
 */
import type { Mcms } from '../services.js';

export interface JobContext {
  mcms: Mcms;
  /** The run's time (the scheduler's clock; a fixed clock in tests). */
  now: Date;
  /** Aborted when the server stops or the lease runs out; long jobs check it between batches. */
  signal: AbortSignal;
  log: JobLog;
}

export interface JobLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ScheduledJob {
  /** Stable name: the lease row, the config key `jobs.<name>`, `mcms job run <name>`. */
  name: string;
  description: string;
  /** Default schedule, a cron expression with seconds optional (croner); `jobs.<name>.schedule` overrides. */
  schedule: string;
  /** How long one run may hold the lease before another node may take over. */
  leaseMs: number;
  /** Does the work; returns a one-line summary for the log and `mcms job list`. */
  run(context: JobContext): Promise<string>;
}
