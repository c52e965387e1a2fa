/** `mcms operator …` and `mcms audit verify`: who may act, and proof of what was done. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Operator } from '../../../domain/access/index.js';
import { ROLES } from '../../../domain/access/index.js';
import type { CommandContext } from '../context.js';
import { CliError, withMcms } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { emit, isoDate, table } from '../output.js';

const tokenNotice = (operator: Operator, token: string) =>
  [`operator ${operator.name} (${operator.role})`, 'API token (shown once; keep it safe):', `  ${token}`].join('\n');

export function registerOperators(program: Command, context: () => CommandContext): void {
  const operator = program.command('operator').description('operators and their API tokens');
  operator
    .command('add <name>')
    .description('add an operator and print their API token once')
    .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
    .action(async (name: string, opts: { role: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const { operator: op, token } = await mcms.operators.add(principal, { name, role: opts.role });
        emit(ctx, { operator: op, token }, () => tokenNotice(op, token));
      });
    });
  operator
    .command('list')
    .description('all operators')
    .action(async () => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const operators = await mcms.operators.list(principal);
        emit(ctx, operators, () => table([['NAME', 'ROLE', 'STATUS', 'CREATED'],
          ...operators.map((o) => [o.name, o.role, o.status, isoDate(o.createdAt)])]));
      });
    });
  operator
    .command('disable <name>')
    .description('disable an operator; their token stops working at once')
    .action(async (name: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const op = await mcms.operators.disable(principal, name);
        emit(ctx, op, () => `operator ${op.name} disabled`);
      });
    });
  operator
    .command('rotate-token <name>')
    .description("replace an operator's API token and print the new one once")
    .action(async (name: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const { operator: op, token } = await mcms.operators.rotateToken(principal, name);
        emit(ctx, { operator: op, token }, () => tokenNotice(op, token));
      });
    });

  program
    .command('audit')
    .description('the audit trail')
    .command('verify')
    .description('check the hash chain; exits non-zero if any record was edited, removed or reordered')
    .action(async () => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const result = await mcms.audit.verify(principal);
        emit(ctx, result, () => (result.ok
          ? `audit trail intact: ${result.records} records`
          : [`audit trail BROKEN: ${result.findings.length} finding(s) in ${result.records} records`,
            ...result.findings.map((f) => `  ${JSON.stringify(f)}`)].join('\n')));
        if (!result.ok) throw new CliError('audit trail verification failed', EXIT.dataError);
      });
    });
}
