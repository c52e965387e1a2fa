/** `mcms serve` (and `npm start`, which is `mcms serve --init`). */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { emit } from '../output.js';
import { parseLimit, parsePort } from '../parse-options.js';
import { describeInit } from './init.js';

export function registerServe(program: Command, context: () => CommandContext): void {
  program
    .command('serve')
    .description('run the HTTP server: SCEP, OCSP, CRLs, the REST API and its docs, CA certificates, health and metrics')
    .option('--init', 'initialise the data directory first if it is empty (what `npm start` does)')
    .option('--port <port>', 'listen on this port (MCMS_PORT)', parsePort)
    .option('--host <host>', 'listen on this address (MCMS_HOST)')
    .option('--workers <n>', 'worker processes sharing the port (MCMS_WORKERS)', parseLimit)
    .action(async (opts: { init?: boolean; port?: number; host?: string; workers?: number }) => {
      const ctx = context();
      const overrides = { port: opts.port, host: opts.host, workers: opts.workers };
      const mcms = await ctx.env.open(ctx.globals, { init: opts.init ?? false, overrides });
      try {
        if (opts.init) {
          const result = await mcms.ca.init(mcms.localPrincipal());
          if (result.created || result.adminToken) emit(ctx, result, () => describeInit(result, mcms.settings.dataDir));
        }
        await ctx.env.serve(mcms);
      } finally {
        await mcms.close();
      }
    });
}
