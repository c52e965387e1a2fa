/**
 * Walks the config schema to list every leaf setting with its env name, type, default and description.
 * This one list drives env parsing, `mcms config` and the README's configuration table.
 */
import type { z } from 'zod';
import { configSchema } from './schema.js';

export interface Setting {
  path: string[];
  env: string;
  kind: 'string' | 'number' | 'boolean' | 'enum';
  values?: string[];
  defaultValue: unknown;
  description: string;
}

type AnySchema = z.ZodType & { def: Record<string, unknown> & { type: string }; description?: string };

export function envName(path: string[]): string {
  return 'MCMS_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()).join('_');
}

function walk(schema: AnySchema, path: string[], inherited: { defaultValue: unknown; description: string }, out: Setting[]): void {
  let node = schema;
  let defaultValue = inherited.defaultValue;
  let description = schema.description ?? inherited.description;
  for (;;) {
    const { def } = node;
    if (def.type === 'default') defaultValue = (def as unknown as { defaultValue: unknown }).defaultValue;
    if (['default', 'optional', 'nullable', 'prefault'].includes(def.type)) {
      node = (def as unknown as { innerType: AnySchema }).innerType;
      description = node.description ?? description;
      continue;
    }
    break;
  }
  const { def } = node;
  if (def.type === 'object') {
    const shape = (def as unknown as { shape: Record<string, AnySchema> }).shape;
    for (const [key, child] of Object.entries(shape)) walk(child, [...path, key], { defaultValue: undefined, description: '' }, out);
    return;
  }
  const kind = def.type === 'enum' ? 'enum' : def.type === 'number' ? 'number' : def.type === 'boolean' ? 'boolean' : 'string';
  const values = kind === 'enum' ? Object.values((def as unknown as { entries: Record<string, string> }).entries) : undefined;
  out.push({ path, env: envName(path), kind, ...(values ? { values } : {}), defaultValue, description });
}

let cached: Setting[] | undefined;

export function settings(): Setting[] {
  if (!cached) {
    cached = [];
    walk(configSchema as unknown as AnySchema, [], { defaultValue: undefined, description: '' }, cached);
  }
  return cached;
}
