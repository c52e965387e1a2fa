/**
 * The built-in expiry actions (domain/expiry/expiry-action.ts), chosen per certificate profile:
 * `renew-escrow` (a new escrowed encryption identity, then a re-delivery link), `remind-device` (a
 * reminder; once the certificate has expired, a re-invitation), `command` (a configured program with
 * the certificate as JSON on stdin) and `webhook` (a signed POST). The re-delivery and re-invitation
 * links belong to device delivery: `ExpiryHooks` is the seam it fills; until then the person is told
 * by mail to ask the administrators.
 */
import { spawn } from 'node:child_process';
import type { Principal } from '../domain/access/index.js';
import type { ActionSubject, ExpiryAction, WebhookSender } from '../domain/expiry/index.js';
import { actionMail, certificateJson } from '../domain/expiry/index.js';
import type { Mailer } from '../domain/outbound-mail.js';
import { primaryMailbox } from '../domain/subscribers/index.js';
import type { Config } from '../config/index.js';
import type { Mcms } from '../entrypoints/services.js';

/** Filled by device delivery (issue 5): each returns a one-line outcome, e.g. "re-delivery link mailed". */
export interface ExpiryHooks {
  /** Mails the person a link that installs their current identities (after renew-escrow). */
  redeliver?: ((subscriberId: string) => Promise<string>) | undefined;
  /** Invites the person to enroll the device again (after a device certificate has expired). */
  reinvite?: ((subscriberId: string, deviceId: string | null) => Promise<string>) | undefined;
}

export const EXPIRY_PRINCIPAL: Principal = { actor: { kind: 'system', id: 'expiry', name: 'expiry' }, role: 'admin', operatorId: null };

interface ActionEnv {
  config: Config;
  mailer: Mailer;
  webhooks: WebhookSender;
  hooks: ExpiryHooks;
  mcms: () => Mcms;
}

const holderOf = (subject: ActionSubject) =>
  subject.subscriber && subject.subscriber.mailboxes.length > 0 ? primaryMailbox(subject.subscriber) : null;

const messageId = (subject: ActionSubject, what: string, baseUrl: string) =>
  `<expiry-${what}-${subject.event.fingerprint.slice(0, 24)}@${new URL(baseUrl).hostname}>`;

function renewEscrow(env: ActionEnv): ExpiryAction {
  return {
    name: 'renew-escrow',
    async run(subject) {
      const person = subject.subscriber;
      if (!person || person.status !== 'active') return 'no active person to renew for';
      const mcms = env.mcms();
      const { identities } = await mcms.escrow.history(EXPIRY_PRINCIPAL, person.id);
      const current = identities.find((i) => i.status === 'current');
      // A retry after the mail failed finds the renewal done: it does not renew twice.
      let serial = current && current.notAfter > subject.event.notAfter ? current.serial : null;
      const renewed = serial === null;
      if (renewed) serial = (await mcms.escrow.generate(EXPIRY_PRINCIPAL, { subscriber: person.id })).identity.serial;
      const told = await tellRenewed(env, subject, serial!);
      return `${renewed ? 'renewed' : 'already renewed'} as ${serial}; ${told}`;
    },
  };
}

async function tellRenewed(env: ActionEnv, subject: ActionSubject, serial: string): Promise<string> {
  if (env.hooks.redeliver) return env.hooks.redeliver(subject.subscriber!.id);
  const to = holderOf(subject);
  if (!to || !env.mailer.configured) return 'nobody mailed';
  await env.mailer.send(actionMail({
    to, subject: 'Your new encryption certificate is ready',
    paragraphs: [
      `Your encryption certificate ${subject.event.serial} expires on ${subject.event.notAfter.toISOString()}, so mcms has issued you a new one (serial ${serial}).`,
      'Your older keys are kept: mail encrypted to them stays readable once the new identity is installed with them.',
      env.config.expiry.actionUrl ? 'Install it on your devices from the link below.' : 'Ask your administrators to install it on your devices.',
    ],
    link: env.config.expiry.actionUrl ?? null, messageId: messageId(subject, 'renewed', env.config.baseUrl),
  }));
  return `mailed ${to}`;
}

function remindDevice(env: ActionEnv): ExpiryAction {
  return {
    name: 'remind-device',
    async run(subject) {
      const person = subject.subscriber;
      if (!person || person.status !== 'active') return 'no active person to remind';
      const expired = subject.event.event === 'expired';
      if (expired && env.hooks.reinvite) return env.hooks.reinvite(person.id, subject.certificate?.deviceId ?? null);
      const to = holderOf(subject);
      if (!to || !env.mailer.configured) return 'nobody mailed';
      const paragraphs = expired
        ? [`Your certificate ${subject.event.serial} (${subject.event.profile}) expired on ${subject.event.notAfter.toISOString()} before your device renewed it.`,
          'Your device can no longer renew it by itself: ask your administrators for a new enrollment invitation.']
        : [`The certificate ${subject.event.serial} (${subject.event.profile}) on your device expires on ${subject.event.notAfter.toISOString()}.`,
          'Your device renews it itself: connect it to the network and open Mail; if it still shows the old certificate a few days before then, tell your administrators.'];
      await env.mailer.send(actionMail({
        to, subject: expired ? 'Your device certificate has expired' : 'Your device will renew its certificate',
        paragraphs, link: env.config.expiry.actionUrl ?? null, messageId: messageId(subject, subject.event.event, env.config.baseUrl),
      }));
      return `mailed ${to}`;
    },
  };
}

function runCommand(env: ActionEnv): ExpiryAction {
  return {
    name: 'command',
    async run(subject) {
      const { path, args, timeoutMs } = env.config.expiry.command;
      if (!path) throw new Error('expiry.command.path is not set');
      // Its own process group, so that the time-out kills what a script started too (a `sleep` under
      // `sh` would otherwise hold stderr open, and delivery would wait for it long after the kill).
      const child = spawn(path, args.split(' ').filter(Boolean), { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-300); });
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(certificateJson(subject)));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, timeoutMs);
      if (child.pid !== undefined) runningGroups.add(child.pid);
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (c, s) => resolve([c, s]));
      }).finally(() => {
        clearTimeout(timer);
        if (child.pid !== undefined) runningGroups.delete(child.pid);
      });
      if (code === 0) return `${path} exited 0`;
      const how = signal ? `was killed (${signal}${timedOut ? `, time-out ${timeoutMs} ms` : ''})` : `exited ${code}`;
      throw new Error(`${path} ${how}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
    },
  };
}

/**
 * Process groups of commands still running. A group of its own is out of reach of a Ctrl-C and
 * outlives mcms, so whatever is left of them is killed when mcms exits.
 */
const runningGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of runningGroups) killGroup(pid);
});

/** SIGKILL to a child's whole process group; one that is already gone is no error. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has exited already
  }
}

function callWebhook(env: ActionEnv): ExpiryAction {
  return {
    name: 'webhook',
    async run(subject) {
      const { url, secret, timeoutMs } = env.config.expiry.webhook;
      if (!url || !secret) throw new Error('expiry.webhook.url is not set');
      const deliveryId = `${subject.event.fingerprint.slice(0, 32)}-${subject.event.event}`;
      await env.webhooks.post(url, JSON.stringify({ type: 'certificate.action', deliveryId, certificate: certificateJson(subject) }), { secret, timeoutMs, deliveryId });
      return `posted to ${new URL(url).host}`;
    },
  };
}

export function builtInExpiryActions(env: ActionEnv): Map<string, ExpiryAction> {
  return new Map([renewEscrow(env), remindDevice(env), runCommand(env), callWebhook(env)].map((a) => [a.name, a]));
}
