/**
 * The enrollment pages a person sees on the phone (and, with a QR code, on a desktop). Plain HTML and
 * CSS, no script at all, so Mobile Safari shows them at once; everything interpolated is escaped. The
 * desktop part (QR code to open the link on the phone) is hidden on touch screens by a media query.
 */
import { escrowNotice } from '../../../domain/delivery/index.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font:17px/1.45 -apple-system,system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1c1c1e}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
ol{padding-left:1.3rem}li{margin:.45rem 0}
.card{background:#fff;border-radius:14px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
button{font:inherit;font-weight:600;width:100%;padding:.9rem;border:0;border-radius:12px;background:#0a66d8;color:#fff}
.note{font-size:.85rem;color:#555}
.qr svg{width:220px;height:220px;display:block;margin:.5rem auto}
@media (pointer:coarse),(max-width:640px){.desktop-only{display:none}}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">`
    + `<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface EnrollPageInput {
  organization: string;
  mailbox: string;
  displayName: string | null;
  expiresAt: Date;
  /** Where the install button posts (the profile, or the OTA profile service). */
  installPath: string;
  ota: boolean;
  /** Inline SVG of a QR code of this page's URL. */
  qrSvg: string;
}

export function enrollPage(input: EnrollPageInput): string {
  const who = input.displayName ? `${escape(input.displayName)} (${escape(input.mailbox)})` : escape(input.mailbox);
  const until = input.expiresAt.toISOString().replace('T', ' ').slice(0, 16);
  const steps = [
    'Tap <strong>Install profile</strong>. Your iPhone or iPad downloads it; then open <strong>Settings</strong>, tap <strong>Profile Downloaded</strong> and <strong>Install</strong>.',
    ...(input.ota ? ['Your device first shows the organisation who it is, and gets its own device certificate; then the profile follows by itself.'] : []),
    `Your device makes its own <strong>signing key</strong>, which never leaves it, and gets its certificate from ${escape(input.organization)}.`,
    'Your <strong>encryption keys</strong> are installed, the current one and earlier ones, so you can read encrypted mail, old and new.',
    'Mail is set up to sign your messages and to encrypt them when you choose.',
  ];
  return page(`Secure mail for ${input.mailbox}`, `
<h1>Secure mail on this device</h1>
<p>For ${who}, from ${escape(input.organization)}.</p>
<div class="card"><strong>What will happen</strong><ol>${steps.map((s) => `<li>${s}</li>`).join('')}</ol>
<form method="post" action="${escape(input.installPath)}"><button type="submit">Install profile</button></form>
<p class="note">This link works once, until ${escape(until)} UTC. It only works in Safari.</p></div>
<div class="card desktop-only qr" id="qr"><strong>On a computer?</strong> Scan this with the iPhone or iPad camera to open this page there.${input.qrSvg}</div>
<p class="note">${escape(escrowNotice(input.organization))}</p>`);
}

const CLOSED: Record<'used' | 'expired' | 'revoked' | 'invalid', { title: string; text: string }> = {
  used: { title: 'This link was used already', text: 'Each enrollment link installs one profile, once. If that was not you, or the installation did not finish, ask for a new invitation.' },
  expired: { title: 'This link has expired', text: 'Enrollment links work for a limited time. Ask for a new invitation.' },
  revoked: { title: 'This link was withdrawn', text: 'Your organisation withdrew this enrollment link. Ask for a new invitation if you still need one.' },
  invalid: { title: 'This link is not valid', text: 'Check that you opened the whole link from your invitation, or ask for a new one.' },
};

export function closedLinkPage(state: keyof typeof CLOSED): string {
  const { title, text } = CLOSED[state];
  return page(title, `<h1>${escape(title)}</h1><div class="card"><p>${escape(text)}</p><p class="note">No profile was delivered.</p></div>`);
}
