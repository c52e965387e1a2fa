/**
 * `mcms directory sync [--dry-run]`: people in from LDAP / AD, with a progress line on a terminal and a
 * summary (added / updated / disabled / skipped, each skipped entry with its DN and reason).
 * `mcms directory leavers [confirm EMAIL…]`: leavers the sync found, and the operator's confirmation.
 * `mcms directory publish`: drains the publication outbox now. Exit 69 when the directory is unreachable.
 */
import type { Command } from 'commander';
import type { Leaver, SyncSummary } from '../../../domain/directory/index.js';
import type { PublicationDrain } from '../../../domain/publication/index.js';
import type { CommandContext } from '../context.js';
import { CliError, withMcms } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { emit, isoDate, table } from '../output.js';

function summaryText(summary: SyncSummary): string {
  const lines = [
    `${summary.dryRun ? 'dry run (nothing changed): ' : ''}${summary.entries} entries: ${summary.added} added, ${summary.updated} updated, `
      + `${summary.unchanged} unchanged, ${summary.disabled} disabled or gone, ${summary.skipped.length} skipped`,
  ];
  if (summary.skipped.length > 0) lines.push('skipped:', ...summary.skipped.map((s) => `  ${s.dn}: ${s.reason}`));
  if (summary.leavers.length > 0) {
    lines.push('leavers:', ...summary.leavers.map((l) => `  ${l.email} (${l.reason}) ${l.handled ? 'handled' : 'waiting for `mcms directory leavers confirm`'}`));
  }
  return lines.join('\n');
}

function leaverTable(leavers: Leaver[]): string {
  if (leavers.length === 0) return 'no leavers';
  return table([['EMAIL', 'REASON', 'SINCE', 'STATUS', 'ENTRY'],
    ...leavers.map((l) => [l.email, l.reason, isoDate(l.since), l.handled ? 'handled' : 'to confirm', l.entryDn])]);
}

function drainText(drain: PublicationDrain): string {
  return `${drain.delivered} delivered (${drain.valuesAdded} values added, ${drain.valuesRemoved} removed, ${drain.noEntry} without directory entry), `
    + `${drain.failed} failed, ${drain.pending} pending`;
}

/** On a terminal, one line rewritten in place: entries read and their rate. */
function progressLine(ctx: CommandContext): { update(entries: number): void; done(): void } {
  const out = ctx.env.stderr as NodeJS.WritableStream & { isTTY?: boolean };
  const started = Date.now();
  if (!out.isTTY || ctx.globals.json) return { update: () => {}, done: () => {} };
  return {
    update: (entries) => {
      const rate = Math.round(entries / Math.max((Date.now() - started) / 1000, 0.001));
      out.write(`\r[${'#'.repeat(Math.min(30, Math.ceil(entries / 100)))}${' '.repeat(Math.max(0, 30 - Math.ceil(entries / 100)))}] ${entries} entries (${rate}/s)`);
    },
    done: () => { out.write('\n'); },
  };
}

export function registerDirectory(program: Command, context: () => CommandContext): void {
  const directory = program.command('directory').description('LDAP / Active Directory: people in, encryption certificates out');
  directory.command('sync')
    .description('create and update people and mailboxes from the directory; find leavers')
    .option('--dry-run', 'report what would change, change nothing')
    .action(async (opts: { dryRun?: boolean }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const progress = progressLine(ctx);
        const summary = await mcms.directory.sync(principal, { dryRun: opts.dryRun ?? false, onProgress: (p) => progress.update(p.entries) });
        progress.done();
        emit(ctx, summary, () => summaryText(summary));
      });
    });
  const leavers = directory.command('leavers').description('people gone from or disabled in the directory');
  leavers.command('list', { isDefault: true })
    .description('leavers the sync found, handled or waiting for confirmation')
    .action(async () => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const list = await mcms.directory.leavers(principal);
        emit(ctx, list, () => leaverTable(list));
      });
    });
  leavers.command('confirm <email...>')
    .description('run the leaver action for these leavers')
    .action(async (emails: string[]) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const confirmed = await mcms.directory.confirmLeavers(principal, emails);
        emit(ctx, confirmed, () => confirmed.map((l) => `${l.email}: leaver handled`).join('\n'));
      });
    });
  directory.command('publish')
    .description('publish pending certificate changes to the directory now (the publication-outbox job)')
    .action(async () => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const drain = await mcms.directory.publish(principal);
        if (drain.unavailable) {
          if (ctx.globals.json) emit(ctx, drain, () => '');
          throw new CliError(`directory unreachable, ${drain.pending} publications wait: ${drain.unavailable}`, EXIT.unavailable);
        }
        emit(ctx, drain, () => drainText(drain));
      });
    });
}
