/** `mcms subscriber …` and `mcms device …`: people, their mailboxes and devices. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Subscriber } from '../../../domain/subscribers/index.js';
import type { CommandContext } from '../context.js';
import { withMcms } from '../context.js';
import { emit, isoDate, table } from '../output.js';
import { collect, parseLimit } from '../parse-options.js';

function describeSubscriber(s: Subscriber): string {
  return [
    `id:        ${s.id}`,
    `name:      ${s.displayName ?? '-'}`,
    `status:    ${s.status}`,
    `mailboxes: ${s.mailboxes.map((m) => (m.primary ? `${m.address} (primary)` : m.address)).join(', ')}`,
    `created:   ${isoDate(s.createdAt)}`,
  ].join('\n');
}

export function registerSubscribers(program: Command, context: () => CommandContext): void {
  const subscriber = program.command('subscriber').description('people and their mailboxes');
  subscriber
    .command('add <email>')
    .description('add a person with a primary mailbox (and extra ones with --mail)')
    .option('--name <name>', 'display name')
    .option('--mail <address>', 'an extra mailbox (repeatable)', collect, [])
    .action(async (email: string, opts: { name?: string; mail: string[] }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const s = await mcms.subscribers.add(principal, { email, name: opts.name, extraMailboxes: opts.mail });
        emit(ctx, s, () => describeSubscriber(s));
      });
    });
  subscriber
    .command('list')
    .description('list people, newest first')
    .addOption(new Option('--status <status>', 'only people with this status').choices(['active', 'disabled']))
    .option('--limit <n>', 'page size', parseLimit, 100)
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(async (opts: { status?: Subscriber['status']; limit: number; cursor?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const filter = opts.status ? { status: opts.status } : {};
        const page = await mcms.subscribers.list(principal, filter, { limit: opts.limit, cursor: opts.cursor });
        emit(ctx, page, () => [
          table([['PRIMARY MAILBOX', 'STATUS', 'NAME', 'ID'], ...page.items.map((s) => [
            s.mailboxes.find((m) => m.primary)?.address ?? '', s.status, s.displayName ?? '-', s.id])]),
          page.nextCursor ? `more: --cursor ${page.nextCursor}` : '',
        ].filter(Boolean).join('\n'));
      });
    });
  subscriber
    .command('show <email-or-id>')
    .description('one person')
    .action(async (key: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const s = await mcms.subscribers.show(principal, key);
        emit(ctx, s, () => describeSubscriber(s));
      });
    });

  const device = program.command('device').description("a person's devices");
  device
    .command('add <email>')
    .description('register a device for a person')
    .requiredOption('--name <name>', 'device name, e.g. "Alice\'s iPhone"')
    .action(async (email: string, opts: { name: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const d = await mcms.devices.add(principal, { subscriber: email, name: opts.name });
        emit(ctx, d, () => `device ${d.id} (${d.name}) added for ${email}`);
      });
    });
  device
    .command('list <email>')
    .description("a person's devices")
    .action(async (email: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const { devices } = await mcms.devices.list(principal, email);
        emit(ctx, devices, () => table([['ID', 'STATUS', 'CREATED', 'NAME'],
          ...devices.map((d) => [d.id, d.status, isoDate(d.createdAt), d.name])]));
      });
    });
}
