/**
 * `mcms escrow …`: central encryption keys. generate / history / deliver for the person; recover →
 * `mcms approve ID` by M recovery agents (each with their own --token) → export, for a third party;
 * recertify, compromised and rotate-kra for the key's lifecycle. A PKCS#12 goes to --out (mode 0600);
 * its password is printed once, on stdout, and nowhere else.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { EncryptionIdentity, EncryptionKeyAlgorithm, GeneratedIdentity, OwnDelivery, Pkcs12Variant } from '../../../domain/escrow/index.js';
import { ENCRYPTION_KEY_ALGORITHMS } from '../../../domain/escrow/index.js';
import { approvalsCast } from '../../../domain/access/index.js';
import { certificateView } from '../../certificate-view.js';
import type { CommandContext } from '../context.js';
import { withMcms } from '../context.js';
import { emit, isoDate, table } from '../output.js';

const variantOption = () => new Option('--variant <variant>', 'PKCS#12 variant (default escrow.pkcs12Variant)').choices(['legacy', 'modern']);

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

function historyRows(identities: EncryptionIdentity[]): string {
  return table([['SERIAL', 'STATUS', 'WHY PAST', 'ALGORITHM', 'NOT BEFORE', 'NOT AFTER'],
    ...identities.map((i) => [i.serial, i.status, i.pastReason ?? '-', i.keyAlgorithm, isoDate(i.notBefore), isoDate(i.notAfter)])]);
}

function writeDelivery(ctx: CommandContext, out: string, delivery: OwnDelivery): void {
  writeFileSync(out, delivery.pkcs12, { mode: 0o600 });
  const { pkcs12: _bytes, ...shown } = delivery;
  emit(ctx, { ...shown, file: out }, () => [
    `${delivery.identities.length} identit${delivery.identities.length === 1 ? 'y' : 'ies'} → ${out}`,
    `password (shown once): ${delivery.password}`,
  ].join('\n'));
}

function generated(ctx: CommandContext, result: GeneratedIdentity, now: Date): void {
  emit(ctx, { ...result, certificate: certificateView(result.certificate, now) }, () => [
    `encryption identity ${result.identity.serial} (${result.identity.keyAlgorithm}) is current, key archived`,
    ...(result.replaced ? [`${result.replaced} is now past`] : []),
  ].join('\n'));
}

export function registerEscrow(program: Command, context: () => CommandContext): void {
  const escrow = program.command('escrow').description('centrally generated, escrowed S/MIME encryption keys');
  escrow.command('generate <email>')
    .description('a new encryption key and smime-encryption certificate, archived; the current one becomes past')
    .addOption(new Option('--algorithm <algorithm>', 'key algorithm (default escrow.keyAlgorithm)').choices([...ENCRYPTION_KEY_ALGORITHMS]))
    .action(async (email: string, opts: { algorithm?: EncryptionKeyAlgorithm }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => generated(ctx, await mcms.escrow.generate(principal, { subscriber: email, algorithm: opts.algorithm }), mcms.clock.now()));
    });
  escrow.command('history <email>')
    .description("a person's current and past encryption identities")
    .action(async (email: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const { identities } = await mcms.escrow.history(principal, email);
        emit(ctx, identities, () => historyRows(identities));
      });
    });
  escrow.command('deliver <email>')
    .description("the person's own current and past identities as one PKCS#12 (for their own devices)")
    .requiredOption('--out <file>', 'where to write the PKCS#12')
    .addOption(variantOption())
    .action(async (email: string, opts: { out: string; variant?: Pkcs12Variant }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => writeDelivery(ctx, opts.out, await mcms.escrow.deliver(principal, email, { variant: opts.variant })));
    });
  escrow.command('recover <email>')
    .description("request a third party's recovery of a person's keys; M recovery agents must `mcms approve` it")
    .option('--serial <serial>', 'only this identity')
    .option('--reason <text>', 'why (for the agents and the audit trail)')
    .action(async (email: string, opts: { serial?: string; reason?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const request = await mcms.escrow.recover(principal, { subscriber: email, serial: opts.serial, reason: opts.reason });
        emit(ctx, request, () => [
          `recovery request ${request.id}: needs ${request.requiredApprovals} recovery agents' approval (${approvalsCast(request)} so far), until ${isoDate(request.expiresAt)}`,
          `  agents: mcms --token AGENT_TOKEN approve ${request.id}`,
          `  then:   mcms escrow export ${request.id} --out FILE.p12`,
        ].join('\n'));
      });
    });
  escrow.command('export <id>')
    .description('release an approved recovery once, as a PKCS#12; the password is printed once')
    .requiredOption('--out <file>', 'where to write the PKCS#12')
    .addOption(variantOption())
    .action(async (id: string, opts: { out: string; variant?: Pkcs12Variant }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => writeDelivery(ctx, opts.out, await mcms.escrow.export(principal, { approvalId: id, variant: opts.variant })));
    });
  escrow.command('recertify <serial>')
    .description('a new certificate for an archived key (same key, e.g. after a name change); it becomes current')
    .action(async (serial: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => generated(ctx, await mcms.escrow.recertify(principal, { serial }), mcms.clock.now()));
    });
  escrow.command('compromised <serial>')
    .description('mark a key compromised: kept for reading old mail, never delivered as current again')
    .action(async (serial: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        await mcms.escrow.markCompromised(principal, { serial });
        emit(ctx, { serial, pastReason: 'compromised' }, () => `${serial} marked compromised`);
      });
    });
  escrow.command('rotate-kra')
    .description('a new escrow (KRA) key; every data key re-wrapped in batches; rerun to resume an interrupted rotation')
    .option('--batch-size <n>', 'records per transaction', positive, 100)
    .option('--limit <n>', 'stop after this many records (rerun to continue)', positive)
    .action(async (opts: { batchSize: number; limit?: number }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const result = await mcms.escrow.rotateKra(principal, { batchSize: opts.batchSize, limit: opts.limit });
        emit(ctx, result, () => `${result.started ? 'new' : 'resumed'} KRA key ${result.kraKeyId}: ${result.rewrapped} re-wrapped, ${result.remaining} remaining`);
      });
    });
}
