/** `mcms cert …`: issue from a CSR, list the inventory, show one certificate. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CertificateRecord, CertificateState } from '../../../domain/inventory/index.js';
import { certificateState } from '../../../domain/inventory/index.js';
import { PROFILE_IDS } from '../../../domain/policy/index.js';
import { toPem } from '../../../lib/pki/index.js';
import { certificateView } from '../../certificate-view.js';
import type { CommandContext } from '../context.js';
import { CliError, withMcms } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { emit, isoDate, table } from '../output.js';
import { parseDurationOption, parseLimit } from '../parse-options.js';


function describe(record: CertificateRecord, now: Date): string {
  return [
    `serial:      ${record.serial}`,
    `subject:     ${record.subject}`,
    `emails:      ${record.emails.join(', ') || '-'}`,
    `profile:     ${record.profile}`,
    `state:       ${certificateState(record, now)}${record.revocationReason ? ` (${record.revocationReason})` : ''}`,
    `not before:  ${isoDate(record.notBefore)}`,
    `not after:   ${isoDate(record.notAfter)}`,
    `issuer:      ${record.issuerId}`,
    `subscriber:  ${record.subscriberId ?? '-'}`,
    `device:      ${record.deviceId ?? '-'}`,
    `sha256:      ${record.fingerprint}`,
  ].join('\n');
}

function readCsrFile(path: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    throw new CliError(`cannot read CSR file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, EXIT.notFound);
  }
}

export function registerCertificates(program: Command, context: () => CommandContext): void {
  const cert = program.command('cert').description('certificates: issue, list, show, revoke');
  cert
    .command('issue')
    .description("issue a certificate from a CSR; subject and SANs come from the person's record, never the CSR")
    .addOption(new Option('--profile <profile>', 'certificate profile').choices([...PROFILE_IDS]).makeOptionMandatory())
    .requiredOption('--subscriber <email>', 'the person (any of their mailboxes, or id)')
    .requiredOption('--csr <file>', 'PKCS#10 request, PEM or DER ("-" for stdin)')
    .option('--device <id>', 'link the certificate to this device of the person')
    .option('--out <file>', 'write the PEM certificate here instead of stdout')
    .action(async (opts: { profile: string; subscriber: string; csr: string; device?: string; out?: string }) => {
      const ctx = context();
      const csr = readCsrFile(opts.csr);
      await withMcms(ctx, async (mcms, principal) => {
        const record = await mcms.certificates.issue(principal, { profile: opts.profile, subscriber: opts.subscriber, csr, deviceId: opts.device });
        const pem = toPem('CERTIFICATE', record.der);
        if (opts.out) writeFileSync(opts.out, pem);
        emit(ctx, certificateView(record, mcms.clock.now()), () => (opts.out ? `issued ${record.serial} → ${opts.out}` : pem));
      });
    });
  cert
    .command('list')
    .description('the inventory, newest first')
    .option('--subscriber <email>', 'certificates of this person')
    .addOption(new Option('--status <state>', 'valid, revoked or expired').choices(['valid', 'revoked', 'expired']))
    .option('--profile <profile>', 'certificates of this profile (also ca roles: issuing-ca, scep-ra, …)')
    .option('--expiring-within <duration>', 'valid certificates expiring within e.g. 30d', parseDurationOption)
    .option('--limit <n>', 'page size', parseLimit, 100)
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(async (opts: { subscriber?: string; status?: CertificateState; profile?: string; expiringWithin?: number; limit: number; cursor?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const page = await mcms.certificates.list(principal,
          { subscriber: opts.subscriber, state: opts.status, profile: opts.profile, expiringWithinMs: opts.expiringWithin },
          { limit: opts.limit, cursor: opts.cursor });
        const now = mcms.clock.now();
        emit(ctx, { items: page.items.map((r) => certificateView(r, now)), nextCursor: page.nextCursor }, () => [
          table([['SERIAL', 'PROFILE', 'STATE', 'NOT AFTER', 'SUBJECT'],
            ...page.items.map((r) => [r.serial, r.profile, certificateState(r, now), isoDate(r.notAfter), r.subject])]),
          page.nextCursor ? `more: --cursor ${page.nextCursor}` : '',
        ].filter(Boolean).join('\n'));
      });
    });
  cert
    .command('show <serial>')
    .description('one certificate by serial (hex, as openssl prints it)')
    .option('--pem', 'print the certificate as PEM')
    .option('--der <file>', 'write the certificate as DER to a file')
    .action(async (serial: string, opts: { pem?: boolean; der?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const record = await mcms.certificates.show(principal, serial);
        if (opts.der) writeFileSync(opts.der, record.der);
        if (opts.pem && !ctx.globals.json) {
          ctx.env.stdout.write(toPem('CERTIFICATE', record.der));
          return;
        }
        const now = mcms.clock.now();
        emit(ctx, certificateView(record, now), () => describe(record, now));
      });
    });
}
