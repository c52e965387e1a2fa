/**
 * Runs the scheduled jobs (entrypoints/jobs) inside `mcms serve`: croner fires each on its schedule,
 * and a run happens only on the node that takes the job's lease row, so several nodes sharing one
 * database run each job once. A run's outcome (ok or failed, with its summary) is kept on the row;
 * a run that outlives its lease is aborted, and a node that dies mid-run loses the lease when it expires.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { JobLeaseRepository } from '../adapters/db/job-lease-repository.js';
import { ConfigError } from '../config/index.js';
import { DomainError } from '../domain/errors.js';
import type { JobLog, ScheduledJob } from '../entrypoints/jobs/index.js';
import type { JobRun, JobStatus, Mcms } from '../entrypoints/services.js';
import type { Clock } from '../lib/clock.js';

export interface SchedulerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const silent: SchedulerLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** `name=cron; name=cron` (the `jobs.schedules` setting) → the schedule of each job, checked. */
export function jobSchedules(jobs: readonly ScheduledJob[], overrides: string): Map<string, string> {
  const schedules = new Map(jobs.map((job) => [job.name, job.schedule]));
  for (const entry of overrides.split(';').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const pattern = entry.slice(at + 1).trim();
    if (at < 1 || !schedules.has(name)) {
      throw new ConfigError(`invalid configuration: jobs.schedules (MCMS_JOBS_SCHEDULES): "${entry}" names no job (jobs: ${[...schedules.keys()].join(', ') || 'none'})`);
    }
    try {
      new Cron(pattern, { paused: true }).stop();
    } catch (error) {
      throw new ConfigError(`invalid configuration: jobs.schedules (MCMS_JOBS_SCHEDULES): ${name}: ${(error as Error).message}`);
    }
    schedules.set(name, pattern);
  }
  return schedules;
}

export class JobScheduler {
  /** This process's name on the lease rows it holds. */
  readonly node = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly stopping = new AbortController();
  private readonly crons: Cron[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly schedules: Map<string, string>,
    private readonly leases: JobLeaseRepository,
    private readonly clock: Clock,
    private readonly mcms: () => Mcms,
  ) {}

  async status(): Promise<JobStatus[]> {
    const rows = new Map((await this.leases.list()).map((row) => [row.name, row]));
    const now = this.clock.now();
    return this.jobs.map((job) => {
      const row = rows.get(job.name);
      const schedule = this.schedules.get(job.name) ?? job.schedule;
      const leaseLive = row?.holder != null && row.leaseExpiresAt !== null && row.leaseExpiresAt > now;
      return {
        name: job.name, description: job.description, schedule,
        nextRunAt: new Cron(schedule, { paused: true }).nextRun(now),
        runningOn: leaseLive ? row.holder : null,
        lastStartedAt: row?.lastStartedAt ?? null, lastFinishedAt: row?.lastFinishedAt ?? null,
        lastStatus: row?.lastStatus ?? null, lastSummary: row?.lastSummary ?? null, runs: row?.runs ?? 0,
      };
    });
  }

  /** Runs one job now, under its lease; DomainError 'job.busy' when another run holds it. */
  async runNow(name: string, logger: SchedulerLogger = silent): Promise<JobRun> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new DomainError('job.unknown', `no job is called ${name} (jobs: ${this.jobs.map((j) => j.name).join(', ') || 'none'})`);
    const run = await this.attempt(job, logger);
    if (!run) throw new DomainError('job.busy', `${name} is running elsewhere; its lease holds until it finishes or expires`);
    return run;
  }

  /** Starts the schedules; each firing runs the job if this node gets its lease. */
  start(logger: SchedulerLogger): void {
    for (const job of this.jobs) {
      const pattern = this.schedules.get(job.name) ?? job.schedule;
      this.crons.push(new Cron(pattern, { protect: true }, async () => {
        if (this.stopping.signal.aborted) return;
        const running = this.attempt(job, logger).catch((error: unknown) => {
          logger.error({ job: job.name, err: error }, `job ${job.name} could not run`);
        });
        this.running.add(running);
        await running;
        this.running.delete(running);
      }));
    }
    logger.info({ jobs: this.jobs.map((j) => `${j.name} (${this.schedules.get(j.name) ?? j.schedule})`), node: this.node }, 'scheduler started');
  }

  /** Stops firing, aborts runs in progress and waits for them to record their outcome. */
  async stop(): Promise<void> {
    for (const cron of this.crons) cron.stop();
    this.stopping.abort(new Error('the server is stopping'));
    await Promise.allSettled([...this.running]);
  }

  private async attempt(job: ScheduledJob, logger: SchedulerLogger): Promise<JobRun | null> {
    const startedAt = this.clock.now();
    if (!(await this.leases.acquire(job.name, this.node, startedAt, job.leaseMs))) return null;
    const expiry = AbortSignal.timeout(job.leaseMs);
    const signal = AbortSignal.any([this.stopping.signal, expiry]);
    const log = jobLog(logger, job.name);
    let status: 'ok' | 'failed' = 'ok';
    let summary: string;
    try {
      summary = await job.run({ mcms: this.mcms(), now: startedAt, signal, log });
    } catch (error) {
      status = 'failed';
      summary = String((error as Error)?.message ?? error).split('\n')[0]!;
      logger.error({ job: job.name, err: error }, `job ${job.name} failed`);
    }
    const finishedAt = this.clock.now();
    if (!(await this.leases.release(job.name, this.node, finishedAt, { status, summary }))) {
      logger.warn({ job: job.name }, `job ${job.name} outlived its lease; another node may have run it too`);
    }
    if (status === 'ok') logger.info({ job: job.name, ms: finishedAt.getTime() - startedAt.getTime() }, `job ${job.name}: ${summary}`);
    return { name: job.name, status, summary, startedAt, finishedAt };
  }
}

function jobLog(logger: SchedulerLogger, job: string): JobLog {
  return {
    info: (message, fields = {}) => logger.info({ job, ...fields }, message),
    warn: (message, fields = {}) => logger.warn({ job, ...fields }, message),
    error: (message, fields = {}) => logger.error({ job, ...fields }, message),
  };
}
