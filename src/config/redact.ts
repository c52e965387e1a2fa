/** The configuration as it may be shown or logged: every secret replaced by `***`. */
import type { Config } from './schema.js';

/** Paths of secret settings; `*` stands for every key at that level. */
const SECRET_PATHS = [['masterKey'], ['scep', 'webhook', 'secret'], ['scep', 'static', '*'], ['ldap', 'bindPassword']];

export function isSecretSetting(path: string[]): boolean {
  return SECRET_PATHS.some((secret) => secret.length === path.length && secret.every((p, i) => p === '*' || p === path[i]));
}

export function redactConfig(config: Config): Record<string, unknown> {
  const walk = (value: unknown, path: string[]): unknown => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value !== undefined && isSecretSetting(path) ? '***' : value;
  };
  return walk(config, []) as Record<string, unknown>;
}
