/**
 * The mails expiry monitoring sends, in plain text and HTML: which certificate, when it ends, what will
 * happen (by the profile's action), and the link to act where there is one. Nothing secret goes in.
 */
import type { OutboundMail } from '../outbound-mail.js';
import type { ExpiryActionName, ExpiryEvent } from './model.js';

const DAY_MS = 86_400_000;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const day = (date: Date) => date.toISOString().slice(0, 10);

export function daysLeft(event: ExpiryEvent, now: Date): number {
  return Math.max(0, Math.ceil((event.notAfter.getTime() - now.getTime()) / DAY_MS));
}

const WHAT_HAPPENS: Record<ExpiryActionName, string> = {
  'renew-escrow': 'mcms will issue you a new encryption certificate before then and send you a link to install it; your older keys are kept, so old mail stays readable.',
  'remind-device': 'your device renews its signing certificate itself when it next connects; if it has not by then, you will be invited to enroll it again.',
  command: 'your administrators are notified and will renew it.',
  webhook: 'your administrators are notified and will renew it.',
  none: 'after that day you can no longer sign mail with it, and others can no longer encrypt mail to it. Ask your administrators for a new one.',
};

function compose(to: string, subject: string, paragraphs: string[], link: string | null, messageId: string): OutboundMail {
  const text = [...paragraphs, ...(link ? [`Act here: ${link}`] : [])].join('\n\n') + '\n';
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`] : []),
  ].join('\n');
  return { to, subject, text, html, headers: { 'Message-ID': messageId } };
}

export function holderNotice(input: { to: string; event: ExpiryEvent; action: ExpiryActionName; now: Date; link: string | null; messageId: string }): OutboundMail {
  const { event } = input;
  const left = daysLeft(event, input.now);
  const when = `${day(event.notAfter)} (${left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`})`;
  return compose(input.to, `Your certificate expires ${when}`, [
    `Your certificate "${event.subject}" (serial ${event.serial}, ${event.profile}) expires on ${event.notAfter.toISOString()}.`,
    `What will happen: ${WHAT_HAPPENS[input.action]}`,
  ], input.link, input.messageId);
}

export function operatorDigest(input: { to: string; events: ExpiryEvent[]; now: Date; messageId: string }): OutboundMail {
  const notices = input.events.filter((e) => e.event.startsWith('notice-')).sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  const lines = notices.map((e) => `${day(e.notAfter)}  ${String(daysLeft(e, input.now)).padStart(3)} d  ${e.profile}  ${e.serial}  ${e.subject}`);
  const subject = `mcms: ${notices.length} certificate${notices.length === 1 ? '' : 's'} reached an expiry threshold`;
  const text = [`Certificates that reached an expiry threshold on ${day(input.now)}:`, '', ...lines, ''].join('\n');
  const rows = notices.map((e) => `<tr><td>${day(e.notAfter)}</td><td>${daysLeft(e, input.now)}</td><td>${escapeHtml(e.profile)}</td><td>${e.serial}</td><td>${escapeHtml(e.subject)}</td></tr>`);
  const html = `<p>Certificates that reached an expiry threshold on ${day(input.now)}:</p>\n<table><tr><th>expires</th><th>days</th><th>profile</th><th>serial</th><th>subject</th></tr>\n${rows.join('\n')}\n</table>`;
  return { to: input.to, subject, text, html, headers: { 'Message-ID': input.messageId } };
}

/** Told to the person by an action: a new certificate, a reminder, or an invitation to enroll again. */
export function actionMail(input: { to: string; subject: string; paragraphs: string[]; link: string | null; messageId: string }): OutboundMail {
  return compose(input.to, input.subject, input.paragraphs, input.link, input.messageId);
}

/** The body of a webhook call for one notice. */
export function noticeWebhookBody(event: ExpiryEvent, now: Date, deliveryId: string): string {
  return JSON.stringify({
    type: 'certificate.expiring', deliveryId, event: event.event, daysLeft: daysLeft(event, now), sentAt: now.toISOString(),
    certificate: {
      source: event.source, serial: event.serial, subject: event.subject, profile: event.profile,
      notAfter: event.notAfter.toISOString(), fingerprint: event.fingerprint, subscriberId: event.subscriberId,
    },
  });
}
