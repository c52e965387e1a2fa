/** What every CLI command is handed: how to open mcms, where to write, and the global options. */
import type { Writable } from 'node:stream';
import type { Config } from '../../config/index.js';
import type { Principal } from '../../domain/access/index.js';
import type { Mcms } from '../services.js';

export interface GlobalOptions {
  dataDir?: string;
  config?: string;
  json?: boolean;
  token?: string;
}

export interface CliEnvironment {
  /** Loads config (global options and `overrides` on top of file and env) and opens mcms. */
  open(globals: GlobalOptions, options: { init: boolean; overrides?: Record<string, unknown> }): Promise<Mcms>;
  /** The effective configuration (file, env, global options), validated. */
  config(globals: GlobalOptions): Config;
  /** Starts the HTTP server and resolves when it has stopped (on SIGINT/SIGTERM). */
  serve(mcms: Mcms): Promise<void>;
  stdout: Writable;
  stderr: Writable;
  /** MCMS_TOKEN, when set. */
  envToken: string | undefined;
}

export interface CommandContext {
  env: CliEnvironment;
  globals: GlobalOptions;
}

/** Runs `work` with an open mcms and the acting principal; always closes the store. */
export async function withMcms<T>(
  ctx: CommandContext,
  work: (mcms: Mcms, principal: Principal) => Promise<T>,
  options: { init?: boolean; overrides?: Record<string, unknown> } = {},
): Promise<T> {
  const mcms = await ctx.env.open(ctx.globals, { init: options.init ?? false, overrides: options.overrides ?? {} });
  try {
    const token = ctx.globals.token ?? ctx.env.envToken;
    const principal = token ? await mcms.authenticate(token) : mcms.localPrincipal();
    return await work(mcms, principal);
  } finally {
    await mcms.close();
  }
}

/** A refusal the CLI itself makes (unreadable file, bad combination of options): shown as it is. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}
