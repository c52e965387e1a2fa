/**
 * Process entry for `mcms`: wires the CLI to config, the composition root and the HTTP server.
 * bin/mcms calls runCli(process.argv).
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import type { CliEnvironment, GlobalOptions } from '../entrypoints/cli/context.js';
import { runProgram } from '../entrypoints/cli/program.js';
import type { Mcms } from '../entrypoints/services.js';
import { openMcms } from './open-mcms.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function configFor(globals: GlobalOptions, overrides: Record<string, unknown> = {}) {
  return loadConfig({ file: globals.config, overrides: { dataDir: globals.dataDir, ...overrides } });
}

async function serve(mcms: Mcms): Promise<void> {
  // Loaded on demand: commands other than `serve` start faster without fastify.
  const { startHttpServer } = await import('../entrypoints/http/app.js');
  const logger = pino({ level: mcms.settings.logLevel, base: { service: 'mcms' } });
  const server = await startHttpServer(mcms, { logger });
  logger.info({ url: server.url, baseUrl: mcms.settings.baseUrl, database: mcms.settings.database }, `mcms listening on ${server.url}`);
  for (const warning of mcms.settings.warnings) logger.warn(warning);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      server.close().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

export async function runCli(argv: string[]): Promise<number> {
  const env: CliEnvironment = {
    open: async (globals, options) => openMcms(configFor(globals, options.overrides), { init: options.init }),
    config: (globals) => configFor(globals),
    serve,
    stdout: process.stdout,
    stderr: process.stderr,
    envToken: process.env.MCMS_TOKEN || undefined,
  };
  return runProgram(env, version, argv);
}
