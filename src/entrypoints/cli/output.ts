/**
 * Output: with --json one JSON document on stdout (dates as ISO strings, DER as PEM or base64);
 * otherwise short human lines. Errors never go to stdout.
 */
import type { CommandContext } from './context.js';

export function emit(ctx: CommandContext, data: unknown, human: () => string): void {
  const text = ctx.globals.json ? JSON.stringify(data, jsonReplacer, 2) : human();
  ctx.env.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') return undefined;
  return value;
}

/** Left-aligned columns, for listings. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export const isoDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
