export type { Config, ConfigInput } from './schema.js';
export { configSchema } from './schema.js';
export type { Setting } from './env-names.js';
export { envName, settings } from './env-names.js';
export type { LoadOptions } from './load-config.js';
export { ConfigError, loadConfig } from './load-config.js';
export { isSecretSetting, redactConfig } from './redact.js';
