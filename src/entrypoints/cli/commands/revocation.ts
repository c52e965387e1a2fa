/**
 * Revocation on the command line: `mcms cert revoke SERIAL --reason R`, `mcms device lost ID`,
 * `mcms subscriber leave EMAIL` (added to the cert, device and subscriber groups),
 * `mcms crl generate [--delta-only]` and `mcms ocsp renew-signer [--force]`.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { REVOCATION_REASON_NAMES } from '../../../domain/revocation/index.js';
import { certificateView } from '../../certificate-view.js';
import type { CommandContext } from '../context.js';
import { withMcms } from '../context.js';
import { emit, isoDate, table } from '../output.js';

function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

const reasonOption = (fallback: string) => new Option('--reason <reason>', `RFC 5280 reason (default ${fallback})`).choices(REVOCATION_REASON_NAMES);

export function registerRevocation(program: Command, context: () => CommandContext): void {
  group(program, 'cert', 'certificates').command('revoke <serial>')
    .description('revoke a certificate (unspecified writes no reasonCode; certificateHold only for multipurpose profiles)')
    .addOption(reasonOption('unspecified'))
    .action(async (serial: string, opts: { reason?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const record = await mcms.certificates.revoke(principal, { serial, reason: opts.reason });
        emit(ctx, certificateView(record, mcms.clock.now()), () => `revoked ${record.serial} (${record.revocationReason}) at ${record.revokedAt!.toISOString()}`);
      });
    });

  group(program, 'device', "a person's devices").command('lost <id>')
    .description("a lost device: revoke its signing and authentication certificates, kill its challenges and enrollment links; encryption keys stay")
    .addOption(reasonOption('keyCompromise'))
    .action(async (id: string, opts: { reason?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const loss = await mcms.devices.lost(principal, { deviceId: id, reason: opts.reason });
        const replacement = typeof loss.replacement === 'string' ? loss.replacement : `failed: ${loss.replacement.failed}`;
        emit(ctx, loss, () => [
          `device ${loss.device.id} (${loss.device.name}) is lost`,
          `revoked: ${loss.revoked.join(', ') || 'nothing'}`,
          `challenges revoked: ${loss.challengesRevoked}`,
          `replacement invitation: ${replacement}`,
        ].join('\n'));
      });
    });

  group(program, 'subscriber', 'people and their mailboxes').command('leave <email>')
    .description('a leaver: revoke every certificate (affiliationChanged) and disable; escrowed keys stay recoverable under dual control')
    .action(async (email: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const departure = await mcms.subscribers.leave(principal, { subscriber: email });
        emit(ctx, departure, () => [
          `${email} is disabled`,
          `revoked: ${departure.revoked.join(', ') || 'nothing'}`,
          `challenges revoked: ${departure.challengesRevoked}; devices retired: ${departure.devicesRetired}`,
        ].join('\n'));
      });
    });

  group(program, 'crl', 'certificate revocation lists').command('generate')
    .description('sign a new complete and delta CRL for every CA now (served at /crl/<ca>.crl and /crl/<ca>-delta.crl)')
    .option('--delta-only', 'only new delta CRLs on the current complete ones')
    .action(async (opts: { deltaOnly?: boolean }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const crls = await mcms.crl.generate(principal, { deltaOnly: opts.deltaOnly });
        const view = crls.map(({ der, ...rest }) => ({ ...rest, bytes: der.length }));
        emit(ctx, view, () => table([['CA', 'KIND', 'NUMBER', 'THIS UPDATE', 'NEXT UPDATE', 'BYTES'],
          ...view.map((c) => [c.issuerId, c.kind, String(c.number), isoDate(c.thisUpdate), isoDate(c.nextUpdate), String(c.bytes)])]));
      });
    });

  group(program, 'ocsp', 'the OCSP responder').command('renew-signer')
    .description('issue a new delegated OCSP responder certificate if the current one nears its end (the ocsp-signer-renewal job does this daily)')
    .option('--force', 'renew now, however long the current one has left')
    .action(async (opts: { force?: boolean }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const renewal = await mcms.ocsp.renewSigner(principal, { force: opts.force });
        emit(ctx, renewal, () => `${renewal.renewed ? 'renewed: ' : ''}${renewal.identityId} is valid until ${isoDate(renewal.notAfter)}`);
      });
    });
}
