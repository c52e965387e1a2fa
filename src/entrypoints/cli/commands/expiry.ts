/**
 * Expiry monitoring on the command line: `mcms scan expiry [--now ISO] [--deliver]` runs the scan by
 * hand (and, with --deliver, the outbox), `mcms report expiry` prints the 90-day outlook,
 * `mcms notification list` shows the outbox, and `mcms inventory import FILE…` adds certificates from
 * other CAs to watch (a file that cannot be read is named with its reason; the others are imported);
 * `--from-directory` imports the certificate values of the directory's people entries instead.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { DirectoryImport, EntryImport, ExpiryScan, FileImport, OutboxRun, OutboxStatus } from '../../../domain/expiry/index.js';
import { OUTBOX_STATUSES } from '../../../domain/expiry/index.js';
import type { CommandContext } from '../context.js';
import { CliError, withMcms } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { emit, isoDate, table } from '../output.js';
import { parseLimit } from '../parse-options.js';

function parseInstant(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO 8601 date or time, e.g. 2026-03-01T06:00:00Z');
  return date;
}

function parseDays(value: string): number {
  const n = Number(value.replace(/d$/, ''));
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new InvalidArgumentError('expected 1 to 366 days');
  return n;
}

const scanLine = (scan: ExpiryScan) => {
  const events = Object.entries(scan.events).map(([e, n]) => `${e}: ${n}`).join(', ');
  return `${scan.full ? 'full ' : ''}scan ${scan.scanId} at ${scan.now.toISOString()}: ${scan.notices} notice${scan.notices === 1 ? '' : 's'}, ${scan.queued} queued${events ? ` (${events})` : ''}`;
};
const runLine = (run: OutboxRun) => `outbox: ${run.sent} sent, ${run.cancelled} cancelled, ${run.retrying} to retry, ${run.failed} failed, ${run.deferred} deferred`;

function registerScan(program: Command, context: () => CommandContext): void {
  program.command('scan').description('run a scan by hand').command('expiry')
    .description('record the expiry notices and actions due (each once per certificate, ever) and queue them')
    .option('--now <iso>', 'scan as if it were this time', parseInstant)
    .option('--full', 'scan every window whole (by default a scan after a recent one looks only at what entered a window since)')
    .option('--deliver', 'then send what is queued and due (as the notification-outbox job does)')
    .action(async (opts: { now?: Date; full?: boolean; deliver?: boolean }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const scan = await mcms.expiry.scan(principal, { now: opts.now, full: opts.full });
        const delivery = opts.deliver ? await mcms.expiry.deliver(principal, { now: opts.now }) : null;
        emit(ctx, { scan, delivery }, () => [scanLine(scan), ...(delivery ? [runLine(delivery)] : [])].join('\n'));
      });
    });
}

function registerReport(program: Command, context: () => CommandContext): void {
  program.command('report').description('reports').command('expiry')
    .description('valid certificates (issued and monitored) ending in each week ahead, and the outbox')
    .option('--days <n>', 'how far ahead (default 90)', parseDays)
    .option('--now <iso>', 'as if it were this time', parseInstant)
    .action(async (opts: { days?: number; now?: Date }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const report = await mcms.expiry.report(principal, { now: opts.now, days: opts.days });
        emit(ctx, report, () => [
          table([['WEEK FROM', 'TO', 'ISSUED', 'MONITORED'], ...report.weeks.map((w) => [isoDate(w.from), isoDate(w.to), String(w.issued), String(w.monitored)])]),
          `outbox: ${report.outbox.pending} pending, ${report.outbox.sent} sent, ${report.outbox.failed} failed, ${report.outbox.cancelled} cancelled`,
        ].join('\n'));
      });
    });
}

function registerOutbox(program: Command, context: () => CommandContext): void {
  program.command('notification').description('the notification outbox (expiry mails, webhook calls, actions)').command('list')
    .description('newest first')
    .addOption(new Option('--status <status>', 'only these').choices([...OUTBOX_STATUSES]))
    .option('--limit <n>', 'at most this many (default 100)', parseLimit)
    .action(async (opts: { status?: OutboxStatus; limit?: number }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const items = await mcms.expiry.outbox(principal, { status: opts.status, limit: opts.limit });
        emit(ctx, items, () => items.length === 0 ? 'the outbox is empty' : table([
          ['SEQ', 'KIND', 'CHANNEL', 'TO', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST ERROR'],
          ...items.map((i) => [String(i.seq), i.kind, i.channel, i.recipient, i.event ?? '-', i.status, String(i.attempts), i.lastError ?? '-']),
        ]));
      });
    });
}

function readImportFile(path: string): { name: string; data: Buffer } | { name: string; error: string } {
  try {
    return { name: path, data: readFileSync(path) };
  } catch (error) {
    return { name: path, error: `cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}

function importLines(results: FileImport[]): string {
  return results.map((r) => r.error
    ? `${r.file}: refused: ${r.error}`
    : `${r.file}: ${r.certificates.filter((c) => c.added).length} added, ${r.certificates.filter((c) => !c.added).length} known already, ${r.certificates.filter((c) => c.linkedTo).length} linked to people`).join('\n');
}

function directoryLines(result: DirectoryImport): string {
  const lines = result.entries.flatMap((e) => [
    ...e.refused.map((reason) => `${e.dn}: value refused: ${reason}`),
    ...(e.certificates.length > 0 ? [`${e.dn}: ${e.certificates.filter((c) => c.added).length} added, ${e.certificates.filter((c) => !c.added).length} known already, ${e.certificates.filter((c) => c.linkedTo).length} linked to people`] : []),
  ]);
  const all = result.entries.flatMap((e) => e.certificates);
  const count = (f: (e: EntryImport) => number) => result.entries.reduce((n, e) => n + f(e), 0);
  lines.push(`${result.entries.length} entries with certificate values: ${all.filter((c) => c.added).length} added, ${all.filter((c) => !c.added).length} known already, `
    + `${all.filter((c) => c.linkedTo).length} linked to people, ${count((e) => e.ownValues)} issued or published by mcms (skipped), ${count((e) => e.refused.length)} not certificates (skipped)`);
  return lines.join('\n');
}

function registerInventory(program: Command, context: () => CommandContext): void {
  program.command('inventory').description('certificates from other CAs, watched for expiry').command('import [files...]')
    .description('add certificates (PEM, DER, PKCS#7 bundles) to watch; linked to people by mailbox')
    .option('--from-directory', 'import the certificate values (ldap.certificateAttribute) of the directory\'s people entries instead of files; '
      + 'values mcms issued or published are skipped (exit 69 if the directory cannot be reached)')
    .action(async (paths: string[], opts: { fromDirectory?: boolean }) => {
      const ctx = context();
      if (opts.fromDirectory) {
        if (paths.length > 0) throw new CliError('give either files or --from-directory, not both', EXIT.usage);
        await withMcms(ctx, async (mcms, principal) => {
          const result = await mcms.expiry.importFromDirectory(principal);
          emit(ctx, result, () => directoryLines(result));
          const refused = result.entries.reduce((n, e) => n + e.refused.length, 0);
          if (refused > 0) throw new CliError(`${refused} directory value${refused === 1 ? ' is not a certificate' : 's are not certificates'}`, EXIT.dataError);
        });
        return;
      }
      if (paths.length === 0) throw new CliError('name the files to import, or give --from-directory', EXIT.usage);
      const files = paths.map(readImportFile);
      await withMcms(ctx, async (mcms, principal) => {
        const readable = files.filter((f): f is { name: string; data: Buffer } => 'data' in f);
        const imported = await mcms.expiry.importCertificates(principal, readable);
        const results: FileImport[] = files.map((f) => ('error' in f ? { file: f.name, error: f.error, certificates: [] } : imported.find((r) => r.file === f.name)!));
        emit(ctx, results, () => importLines(results));
        const refused = results.filter((r) => r.error);
        if (refused.length > 0) throw new CliError(`${refused.length} of ${results.length} file${results.length === 1 ? '' : 's'} refused`, EXIT.dataError);
      });
    });
}

export function registerExpiry(program: Command, context: () => CommandContext): void {
  registerScan(program, context);
  registerReport(program, context);
  registerOutbox(program, context);
  registerInventory(program, context);
}
