/** `mcms job list|run NAME`: the scheduled jobs `mcms serve` runs, and running one by hand. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError, withMcms } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { emit, isoDate, table } from '../output.js';

export function registerJobs(program: Command, context: () => CommandContext): void {
  const job = program.command('job').description('scheduled jobs (run by `mcms serve`, one node each)');
  job
    .command('list')
    .description('each job with its schedule, next run and last outcome')
    .action(async () => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const jobs = await mcms.jobs.list(principal);
        emit(ctx, jobs, () => jobs.length === 0 ? 'no scheduled jobs' : table([
          ['NAME', 'SCHEDULE', 'NEXT', 'LAST', 'STATUS', 'SUMMARY'],
          ...jobs.map((j) => [
            j.name, j.schedule, j.nextRunAt ? isoDate(j.nextRunAt) : '-', j.lastFinishedAt ? isoDate(j.lastFinishedAt) : '-',
            j.runningOn ? `running on ${j.runningOn}` : (j.lastStatus ?? 'never run'), j.lastSummary ?? '-',
          ]),
        ]));
      });
    });
  job
    .command('run <name>')
    .description('run a job now, under its lease (fails if another node is running it)')
    .action(async (name: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const run = await mcms.jobs.run(principal, name);
        if (run.status === 'failed') {
          if (ctx.globals.json) emit(ctx, run, () => '');
          throw new CliError(`${run.name} failed: ${run.summary}`, EXIT.failure);
        }
        emit(ctx, run, () => `${run.name}: ${run.summary}`);
      });
    });
}
