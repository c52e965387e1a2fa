/** `mcms challenge …`, `mcms approve|reject ID`, `mcms approval …`: one-time SCEP challenges and the approval queue. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { ApprovalKind, ApprovalRequest, ApprovalStatus } from '../../../domain/access/index.js';
import { APPROVAL_KINDS, approvalsCast } from '../../../domain/access/index.js';
import { PROFILE_IDS } from '../../../domain/policy/index.js';
import type { CommandContext } from '../context.js';
import { withMcms } from '../context.js';
import { emit, isoDate, table } from '../output.js';
import { parseDurationOption, parseLimit } from '../parse-options.js';

function describeApproval(a: ApprovalRequest): string {
  return [
    `id:         ${a.id}`,
    `kind:       ${a.kind}`,
    `summary:    ${a.summary}`,
    `status:     ${a.status} (${approvalsCast(a)} of ${a.requiredApprovals} approvals)`,
    `requested:  ${isoDate(a.createdAt)} by ${a.requestedBy}`,
    `expires:    ${isoDate(a.expiresAt)}`,
    ...a.votes.map((v) => `vote:       ${v.decision} by ${v.voterName} at ${isoDate(v.at)}${v.comment ? ` — ${v.comment}` : ''}`),
  ].join('\n');
}

export function registerChallenges(program: Command, context: () => CommandContext): void {
  const challenge = program.command('challenge').description('one-time SCEP challenges');
  challenge
    .command('create <email>')
    .description('a one-time challenge bound to the person, optionally a device, and a certificate profile (printed once)')
    .option('--device <id>', 'bind the challenge to this device of the person')
    .addOption(new Option('--profile <profile>', 'certificate profile').choices([...PROFILE_IDS]).default('smime-signing'))
    .option('--ttl <duration>', 'lifetime, e.g. 1h or 7d (default scep.challengeTtl)', parseDurationOption)
    .action(async (email: string, opts: { device?: string; profile: string; ttl?: number }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const { challenge: c, secret } = await mcms.challenges.create(principal, { subscriber: email, deviceId: opts.device, profile: opts.profile, ttlMs: opts.ttl });
        const { secretHash: _hash, ...shown } = c;
        emit(ctx, { ...shown, challenge: secret }, () => [
          `challenge for ${email} (${c.profile}${c.deviceId ? `, device ${c.deviceId}` : ''}), valid until ${isoDate(c.expiresAt)}, single use:`,
          `  ${secret}`,
        ].join('\n'));
      });
    });
  challenge
    .command('list <email>')
    .description("a person's challenges (never their secrets)")
    .action(async (email: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const list = (await mcms.challenges.list(principal, email)).map(({ secretHash: _hash, ...c }) => c);
        emit(ctx, list, () => table([['ID', 'PROFILE', 'STATUS', 'EXPIRES', 'DEVICE'],
          ...list.map((c) => [c.id, c.profile, c.status, isoDate(c.expiresAt), c.deviceId ?? '-'])]));
      });
    });

  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <id>`)
      .description(`${decision} a waiting request (a SCEP enrollment, a key recovery)`)
      .option('--comment <text>', 'a note for the audit trail')
      .action(async (id: string, opts: { comment?: string }) => {
        const ctx = context();
        await withMcms(ctx, async (mcms, principal) => {
          const result = await mcms.approvals.vote(principal, { id, decision, comment: opts.comment });
          emit(ctx, result, () => describeApproval(result));
        });
      });
  }

  const approval = program.command('approval').description('the approval queue');
  approval
    .command('list')
    .description('approval requests, newest first')
    .addOption(new Option('--status <status>', 'only these').choices(['open', 'approved', 'rejected', 'expired']))
    .addOption(new Option('--kind <kind>', 'only these').choices([...APPROVAL_KINDS]))
    .option('--limit <n>', 'page size', parseLimit, 100)
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(async (opts: { status?: ApprovalStatus; kind?: ApprovalKind; limit: number; cursor?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const filter = { ...(opts.status ? { status: opts.status } : {}), ...(opts.kind ? { kind: opts.kind } : {}) };
        const page = await mcms.approvals.list(principal, filter, { limit: opts.limit, cursor: opts.cursor });
        emit(ctx, page, () => table([['ID', 'KIND', 'STATUS', 'VOTES', 'SUMMARY'],
          ...page.items.map((a) => [a.id, a.kind, a.status, `${approvalsCast(a)}/${a.requiredApprovals}`, a.summary])]));
      });
    });
  approval
    .command('show <id>')
    .description('one approval request with its votes')
    .action(async (id: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const a = await mcms.approvals.show(principal, id);
        emit(ctx, a, () => describeApproval(a));
      });
    });
}
