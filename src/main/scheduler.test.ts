import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../adapters/db/open-store.js';
import type { Store } from '../adapters/db/store.js';
import { ConfigError } from '../config/index.js';
import { DomainError } from '../domain/errors.js';
import type { ScheduledJob } from '../entrypoints/jobs/index.js';
import type { Mcms } from '../entrypoints/services.js';
import { systemClock } from '../lib/clock.js';
import { JobScheduler, jobSchedules } from './scheduler.js';

const noMcms = () => ({}) as Mcms;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function job(name: string, run: ScheduledJob['run'], overrides: Partial<ScheduledJob> = {}): ScheduledJob {
  return { name, description: `${name} for tests`, schedule: '0 3 * * *', leaseMs: 60_000, run, ...overrides };
}

describe('job schedules', () => {
  const jobs = [job('crl-refresh', async () => 'ok', { schedule: '* * * * *' }), job('expiry-scan', async () => 'ok')];

  it('keeps each default and applies the overrides of `jobs.schedules`', () => {
    assert.deepEqual([...jobSchedules(jobs, '').entries()], [['crl-refresh', '* * * * *'], ['expiry-scan', '0 3 * * *']]);
    assert.deepEqual([...jobSchedules(jobs, ' expiry-scan = 30 6 * * 1-5 ; ').entries()], [['crl-refresh', '* * * * *'], ['expiry-scan', '30 6 * * 1-5']]);
  });

  it('refuses a job that does not exist and a pattern croner cannot read, naming the setting', () => {
    assert.throws(() => jobSchedules(jobs, 'crl-refesh=* * * * *'), (e: unknown) =>
      e instanceof ConfigError && /MCMS_JOBS_SCHEDULES.*"crl-refesh=\* \* \* \* \*" names no job \(jobs: crl-refresh, expiry-scan\)/.test(e.message));
    assert.throws(() => jobSchedules(jobs, 'expiry-scan=every day'), (e: unknown) => e instanceof ConfigError && /expiry-scan: /.test(e.message));
    assert.throws(() => jobSchedules(jobs, '=* * * * *'), ConfigError);
  });
});

describe('job scheduler', () => {
  let dir: string;
  let stores: Store[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcms-scheduler-'));
    const url = `sqlite:${join(dir, 'mcms.db')}`;
    stores = [await openStore({ url }), await openStore({ url })];
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job by hand and records its summary; a failure is recorded with its first line', async () => {
    const jobs = [job('tidy', async ({ now }) => `tidied at ${now.toISOString()}`), job('broken', async () => { throw new Error('directory down\nstack…'); })];
    const scheduler = new JobScheduler(jobs, jobSchedules(jobs, ''), stores[0]!.jobLeases, systemClock, noMcms);
    const ok = await scheduler.runNow('tidy');
    assert.equal(ok.status, 'ok');
    assert.match(ok.summary, /^tidied at \d{4}-/);
    const failed = await scheduler.runNow('broken', quiet);
    assert.deepEqual([failed.status, failed.summary], ['failed', 'directory down']);
    const status = await scheduler.status();
    assert.deepEqual(status.map((s) => [s.name, s.lastStatus, s.runs, s.runningOn]), [['tidy', 'ok', 1, null], ['broken', 'failed', 1, null]]);
    assert.ok(status[0]!.nextRunAt! > new Date(), 'the next run is in the future');
  });

  it('refuses an unknown job, and a job whose lease another node holds', async () => {
    const jobs = [job('held', async () => 'ran')];
    const scheduler = new JobScheduler(jobs, jobSchedules(jobs, ''), stores[0]!.jobLeases, systemClock, noMcms);
    await assert.rejects(scheduler.runNow('nope'), (e: unknown) => e instanceof DomainError && e.code === 'job.unknown' && /jobs: held/.test(e.message));
    assert.equal(await stores[1]!.jobLeases.acquire('held', 'another-node', new Date(), 60_000), true);
    await assert.rejects(scheduler.runNow('held'), (e: unknown) => e instanceof DomainError && e.code === 'job.busy');
    assert.equal((await scheduler.status())[0]!.runningOn, 'another-node');
  });

  it('on two nodes sharing a database, runs each firing on one node only', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const slow = job('every-second', async ({ signal }) => {
      active += 1;
      most = Math.max(most, active);
      runs += 1;
      await sleep(1300, undefined, { signal }).catch(() => {});
      active -= 1;
      return 'done';
    }, { schedule: '* * * * * *', leaseMs: 10_000 });
    const nodes = stores.map((store) => new JobScheduler([slow], jobSchedules([slow], ''), store.jobLeases, systemClock, noMcms));
    for (const node of nodes) node.start(quiet);
    await sleep(4200);
    await Promise.all(nodes.map((node) => node.stop()));
    assert.equal(most, 1, 'never two runs at once');
    assert.ok(runs >= 2, `ran ${runs} times`);
    const [row] = await stores[0]!.jobLeases.list().then((rows) => rows.filter((r) => r.name === 'every-second'));
    assert.equal(row!.runs, runs, 'every run recorded once');
    assert.equal(row!.holder, null, 'stopping released the lease');
  });

  it('aborts a run in progress when the server stops and records why', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const waits = job('waits', async ({ signal }) => {
      started();
      await sleep(60_000, undefined, { signal });
      return 'never';
    }, { schedule: '* * * * * *' });
    const scheduler = new JobScheduler([waits], jobSchedules([waits], ''), stores[0]!.jobLeases, systemClock, noMcms);
    scheduler.start(quiet);
    await running;
    await scheduler.stop();
    const [row] = (await stores[0]!.jobLeases.list()).filter((r) => r.name === 'waits');
    assert.equal(row!.lastStatus, 'failed');
    assert.equal(row!.holder, null);
  });
});
