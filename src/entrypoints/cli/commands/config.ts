/** `mcms config`: every setting with its env name and default, and the effective values. */
import type { Command } from 'commander';
import { redactConfig, settings } from '../../../config/index.js';
import type { CommandContext } from '../context.js';
import { emit, table } from '../output.js';


export function registerConfig(program: Command, context: () => CommandContext): void {
  const config = program.command('config').description('configuration reference');
  config
    .command('docs')
    .description('list every setting: config key, environment variable, default, meaning')
    .action(() => {
      const ctx = context();
      const rows = settings().map((s) => ({
        key: s.path.join('.'), env: s.env, type: s.values ? s.values.join('|') : s.kind, default: s.defaultValue ?? null, description: s.description,
      }));
      emit(ctx, rows, () => table([['KEY', 'ENV', 'DEFAULT', 'DESCRIPTION'],
        ...rows.map((r) => [r.key, r.env, r.default === null ? '-' : String(r.default), r.description])]));
    });
  config
    .command('show')
    .description('the effective configuration after file and environment (secrets hidden)')
    .action(() => {
      const ctx = context();
      const effective = redactConfig(ctx.env.config(ctx.globals));
      emit(ctx, effective, () => flatten(effective).map(([k, v]) => `${k} = ${v}`).join('\n'));
    });
}

function flatten(value: object, prefix = ''): [string, string][] {
  return Object.entries(value).flatMap(([k, v]): [string, string][] =>
    v !== null && typeof v === 'object' ? flatten(v as object, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)]]);
}
