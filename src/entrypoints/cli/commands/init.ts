/** `mcms init` and `mcms ca show`: set up the data directory and CA hierarchy; show it. */
import type { Command } from 'commander';
import { toPem } from '../../../lib/pki/index.js';
import type { InitResult } from '../../services.js';
import type { CommandContext } from '../context.js';
import { withMcms } from '../context.js';
import { emit, isoDate, table } from '../output.js';
import type { IdentitySummary } from '../../../domain/ca/index.js';

export function identityTable(identities: IdentitySummary[]): string {
  return table([
    ['ID', 'ROLE', 'SERIAL', 'NOT AFTER', 'SUBJECT'],
    ...identities.map((i) => [i.id, i.role, i.serial, isoDate(i.notAfter), i.subject]),
  ]);
}

export function describeInit(result: InitResult, dataDir: string): string {
  const lines = [result.created ? `initialised ${dataDir}` : `${dataDir} is already initialised`, identityTable(result.identities)];
  if (result.adminToken) {
    lines.push('', 'first administrator token (shown once; keep it safe):', `  ${result.adminToken}`);
  }
  return lines.join('\n');
}

export function registerInit(program: Command, context: () => CommandContext): void {
  program
    .command('init')
    .description('create the data directory, master key, root and issuing CA, SCEP RA, OCSP signer and profile signer (idempotent)')
    .option('--key-algorithm <alg>', 'CA key algorithm: rsa-2048, rsa-3072, rsa-4096, p-256, p-384 (default from config)')
    .action(async (opts: { keyAlgorithm?: string }) => {
      const ctx = context();
      const overrides = opts.keyAlgorithm ? { 'ca.keyAlgorithm': opts.keyAlgorithm } : {};
      await withMcms(ctx, async (mcms, principal) => {
        const result = await mcms.ca.init(principal);
        emit(ctx, { ...result, dataDir: mcms.settings.dataDir }, () => describeInit(result, mcms.settings.dataDir));
      }, { init: true, overrides });
    });

  program
    .command('ca')
    .description('the CA hierarchy')
    .command('show')
    .description('list the CA and service identities; with --pem print the chain, issuing CA first')
    .option('--pem', 'print the certificate chain as PEM')
    .action(async (opts: { pem?: boolean }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const { identities, chain } = await mcms.ca.show(principal);
        const pems = chain.map((der) => toPem('CERTIFICATE', der));
        if (opts.pem && !ctx.globals.json) {
          ctx.env.stdout.write(pems.join(''));
          return;
        }
        emit(ctx, { identities, chain: pems }, () => identityTable(identities));
      });
    });
}
