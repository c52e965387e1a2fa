/**
 * The invitation (DESIGN.md step 2): mailed to the person's own mailbox, which proves they control it
 * (S/MIME BR §3.2.2.1, mailbox validation by a link sent there). It says in plain words what the link
 * does and carries the escrow notice: the organisation keeps a copy of the encryption keys and can
 * recover them under dual control (S/MIME BR §4.12.1).
 */
import type { OutboundMail } from '../outbound-mail.js';

export const ESCROW_NOTICE = 'Your encryption keys are made and archived by {org}, so that mail encrypted to you can still be read if a '
  + 'key is lost. An archived key is only ever recovered for you, or, for anyone else, after several '
  + 'recovery officers of {org} approve it together; every recovery is recorded. Your signing key is made on your phone and never leaves it.';

export function escrowNotice(organization: string): string {
  return ESCROW_NOTICE.replaceAll('{org}', organization);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function invitationMail(input: { to: string; name: string | null; organization: string; url: string; expiresAt: Date }): OutboundMail {
  const greeting = input.name ? `Hello ${input.name},` : 'Hello,';
  const until = input.expiresAt.toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    greeting,
    '',
    `${input.organization} has set up secure (S/MIME) mail for ${input.to}.`,
    'Open this link on your iPhone or iPad, in Safari, and follow the steps:',
    '',
    input.url,
    '',
    'The link works once and until ' + until + ' UTC. It installs a profile with your certificates and keys and sets up',
    'your mail account to sign and encrypt. If you did not expect this message, ignore it.',
    '',
    escrowNotice(input.organization),
  ];
  const html = `<p>${escapeHtml(greeting)}</p>`
    + `<p>${escapeHtml(input.organization)} has set up secure (S/MIME) mail for ${escapeHtml(input.to)}.</p>`
    + `<p><a href="${escapeHtml(input.url)}">Open this link on your iPhone or iPad</a>, in Safari, and follow the steps.</p>`
    + `<p>The link works once and until ${escapeHtml(until)} UTC. If you did not expect this message, ignore it.</p>`
    + `<p><small>${escapeHtml(escrowNotice(input.organization))}</small></p>`;
  return {
    to: input.to, subject: `Set up secure mail on your phone (${input.organization})`, text: lines.join('\n'), html,
    // RFC 3834: no out-of-office replies to a machine-made message.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
