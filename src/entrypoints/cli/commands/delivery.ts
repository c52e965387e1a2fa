/**
 * Device delivery from the command line: `mcms profile build` writes a person's signed profile for a
 * device; `mcms invite` creates a single-use enrollment link, mails it to the person (when mail is
 * configured) and prints it once; `mcms profile redeliver` sends new links after the key history
 * changed; `mcms link list|revoke` shows and closes open links.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { EnrollmentLink, Invitation } from '../../../domain/delivery/index.js';
import type { CommandContext } from '../context.js';
import { withMcms } from '../context.js';
import { emit, isoDate, table } from '../output.js';

function invitationLines(invitation: Invitation): string {
  return [
    `enrollment link (single use, until ${isoDate(invitation.link.expiresAt)}${invitation.link.deviceId ? `, device ${invitation.link.deviceId}` : ''}):`,
    invitation.url,
    invitation.mailed ? 'mailed to the person' : `not mailed: ${invitation.mailProblem}`,
  ].join('\n');
}

/** What --json shows of an invitation: never the token's hash. */
const invitationView = (invitation: Invitation) => {
  const { secretHash: _hash, ...link } = invitation.link;
  return { ...invitation, link };
};

function linkRows(links: EnrollmentLink[]): string {
  return table([['LINK', 'STATUS', 'DEVICE', 'CREATED', 'EXPIRES', 'MAILED'],
    ...links.map((l) => [l.id, l.status, l.deviceId ?? '-', isoDate(l.createdAt), isoDate(l.expiresAt), l.mailedAt ? isoDate(l.mailedAt) : '-'])]);
}

export function registerDelivery(program: Command, context: () => CommandContext): void {
  const profile = program.command('profile').description('Apple configuration profiles (.mobileconfig) for a person\'s devices');
  profile.command('build <email>')
    .description('the signed S/MIME profile for one device: CA chain, SCEP signing payload, every encryption identity, mail account')
    .option('--device <id>', 'the device (default: register a new one)')
    .requiredOption('--out <file>', 'where to write the .mobileconfig (mode 0600: it holds keys and passwords)')
    .action(async (email: string, opts: { device?: string; out: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const built = await mcms.delivery.buildProfile(principal, { subscriber: email, deviceId: opts.device });
        writeFileSync(opts.out, built.mobileconfig, { mode: 0o600 });
        const { mobileconfig: _bytes, ...shown } = built;
        emit(ctx, { ...shown, file: opts.out }, () => [
          `profile ${built.identifier} → ${opts.out}`,
          `device ${built.deviceId}; ${built.encryptionSerials.length} encryption identit${built.encryptionSerials.length === 1 ? 'y' : 'ies'}`
            + (built.encryptedTo ? `; payloads encrypted to ${built.encryptedTo}` : '; payloads not encrypted (no device identity known)'),
          `SCEP challenge valid until ${isoDate(built.challengeExpiresAt)}`,
        ].join('\n'));
      });
    });
  profile.command('redeliver <email>')
    .description('mail a new enrollment link for each of the person\'s active devices (after a re-key, renewal or recovery)')
    .action(async (email: string) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const invitations = await mcms.delivery.redeliver(principal, email);
        emit(ctx, invitations.map(invitationView), () => invitations.map(invitationLines).join('\n\n'));
      });
    });
  program.command('invite <email>')
    .description('a single-use enrollment link for the person\'s phone, mailed to their mailbox and printed')
    .option('--device <id>', 'the device the link enrolls (default: a new device, registered when the link is used)')
    .action(async (email: string, opts: { device?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const invitation = await mcms.delivery.invite(principal, { subscriber: email, deviceId: opts.device });
        emit(ctx, invitationView(invitation), () => invitationLines(invitation));
      });
    });
  const link = program.command('link').description('enrollment links');
  link.command('list <email>').description('the person\'s enrollment links, newest first').action(async (email: string) => {
    const ctx = context();
    await withMcms(ctx, async (mcms, principal) => {
      const links = await mcms.delivery.links(principal, email);
      emit(ctx, links.map(({ secretHash: _hash, ...rest }) => rest), () => linkRows(links));
    });
  });
  link.command('revoke <email>')
    .description('revoke the person\'s open enrollment links and over-the-air enrollments')
    .option('--device <id>', 'only those of this device')
    .action(async (email: string, opts: { device?: string }) => {
      const ctx = context();
      await withMcms(ctx, async (mcms, principal) => {
        const revoked = await mcms.delivery.revokeLinks(principal, { subscriber: email, deviceId: opts.device });
        emit(ctx, revoked, () => `revoked ${revoked.links.length} link(s) and ${revoked.otaSessions} over-the-air enrollment(s)`);
      });
    });
}
