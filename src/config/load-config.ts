/**
 * Loads the configuration: schema defaults ← config file (JSON or YAML) ← MCMS_* environment ←
 * command-line overrides. Validated before anything starts; the first problem is reported in one line
 * naming the key (and its env name) and what is wrong. The result is frozen.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Setting } from './env-names.js';
import { envName, settings } from './env-names.js';
import type { Config } from './schema.js';
import { configSchema } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  file?: string | undefined;
  overrides?: Record<string, unknown>;
  /** Where a config file is looked for when none is named. */
  cwd?: string;
}

const DEFAULT_FILES = ['mcms.config.json', 'mcms.config.yaml', 'mcms.config.yml'];

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = options.file ?? env.MCMS_CONFIG;
  const file = named ? resolve(cwd, named) : DEFAULT_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  for (const setting of settings()) {
    const value = env[setting.env];
    if (value !== undefined && value !== '') setPath(raw, setting.path, fromEnv(setting, value));
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) if (value !== undefined) setPath(raw, key.split('.'), value);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const leaf = settings().find((s) => s.path.join('.') === path.join('.'));
    const where = leaf ? `${path.join('.')} (${leaf.env})` : path.join('.') || 'config';
    throw new ConfigError(`invalid configuration: ${where}: ${issue.message}`);
  }
  const value = parsed.data;
  const dataDir = resolve(cwd, value.dataDir);
  return Object.freeze({
    ...value,
    dataDir,
    baseUrl: (value.baseUrl ?? `http://localhost:${value.port}`).replace(/\/+$/, ''),
    databaseUrl: value.databaseUrl ?? `sqlite:${resolve(dataDir, 'mcms.db')}`,
  });
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const data: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('the top level must be an object');
    return data as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function fromEnv(setting: Setting, value: string): unknown {
  if (setting.kind === 'number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`invalid configuration: ${setting.path.join('.')} (${setting.env}): "${value}" is not a number`);
    return n;
  }
  if (setting.kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    throw new ConfigError(`invalid configuration: ${setting.path.join('.')} (${setting.env}): "${value}" is not true or false`);
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export { envName };
