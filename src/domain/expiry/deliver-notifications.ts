/**
 * Drains the notification outbox (job `notification-outbox`, `mcms scan expiry --deliver`): each due
 * row is mailed, posted or run, then marked sent on its own, so a crash or a channel that goes down
 * midway loses nothing and repeats nothing already done. A failure is retried with exponential backoff
 * (1 min doubling up to 6 h) until `expiry.maxAttempts`; a permanent refusal (a 5xx from the mail
 * server, a 4xx from a webhook, a person without a mailbox) fails the row at once. Once a channel fails
 * temporarily, the rest of this run leaves it alone rather than hammering a server that is down.
 */
import { recordAuditEvent } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { CertificateRecord } from '../inventory/index.js';
import { MailError } from '../outbound-mail.js';
import type { Subscriber } from '../subscribers/index.js';
import type { DeliveryDeps } from './expiry-deps.js';
import type { ExpiryEvent, OutboxItem } from './model.js';
import { policyFor } from './model.js';
import { holderNotice, noticeWebhookBody, operatorDigest } from './notice-messages.js';
import { WebhookError } from './ports.js';

export interface OutboxRun {
  sent: number;
  /** Notices dropped because their certificate was renewed, replaced or revoked meanwhile. */
  cancelled: number;
  retrying: number;
  failed: number;
  /** Rows left for a later run because their channel was down in this one. */
  deferred: number;
}

const SYSTEM: Actor = { kind: 'system', id: 'expiry', name: 'expiry' };
const BATCH = 100;
const CANCELLED = 'cancelled: the certificate was renewed, replaced or revoked, or its holder left';
const CONCURRENCY = 4;

/** Why a row failed, and whether trying again later may help. */
class DeliveryFailure extends Error {
  constructor(message: string, readonly temporary: boolean, readonly channelKey: string | null) {
    super(message);
  }
}

export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
}

export async function deliverNotifications(deps: DeliveryDeps, options: { now?: Date | undefined; signal?: AbortSignal | undefined } = {}): Promise<OutboxRun> {
  const now = options.now ?? deps.clock.now();
  const run: OutboxRun = { sent: 0, cancelled: 0, retrying: 0, failed: 0, deferred: 0 };
  const down = new Set<string>();
  let afterSeq = 0;
  for (;;) {
    if (options.signal?.aborted) break;
    const batch = await deps.uow.read.expiry.due(now, afterSeq, BATCH);
    if (batch.length === 0) break;
    afterSeq = batch[batch.length - 1]!.seq;
    const context = await batchContext(deps, batch);
    const queue = [...batch];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await deliverOne(deps, item, { now, down, run, context });
    }));
  }
  return run;
}

/** The events and holders' mailboxes of a batch, read in two queries instead of two per row. */
interface BatchContext {
  events: Map<string, ExpiryEvent>;
  holders: Map<string, string>;
}

const eventKey = (fingerprint: string, event: string) => `${fingerprint} ${event}`;

async function batchContext(deps: DeliveryDeps, batch: OutboxItem[]): Promise<BatchContext> {
  const keys = batch.filter((i) => i.fingerprint && i.event).map((i) => ({ fingerprint: i.fingerprint!, event: i.event! }));
  const events = new Map((await deps.uow.read.expiry.findEvents(keys)).map((e) => [eventKey(e.fingerprint, e.event), e]));
  const people = batch.filter((i) => i.channel === 'email' && i.recipient === 'holder')
    .map((i) => events.get(eventKey(i.fingerprint ?? '', i.event ?? ''))?.subscriberId).filter((id): id is string => Boolean(id));
  return { events, holders: await deps.uow.read.expiry.holderMailboxes(people) };
}

async function deliverOne(deps: DeliveryDeps, item: OutboxItem, state: { now: Date; down: Set<string>; run: OutboxRun; context: BatchContext }): Promise<void> {
  const { now, down, run } = state;
  const key = channelKey(item);
  // Without a mail server the rows wait (not failed) until one is configured.
  if ((key && down.has(key)) || (item.channel === 'email' && !deps.mailer.configured)) {
    run.deferred += 1;
    return;
  }
  try {
    const outcome = await carryOut(deps, item, now, state.context);
    if (outcome === CANCELLED) {
      await deps.uow.read.expiry.markSent(item.seq, now, 'cancelled');
      run.cancelled += 1;
      return;
    }
    if (item.kind === 'action') {
      await deps.uow.transaction(async (repos) => {
        if (!(await repos.expiry.markSent(item.seq, now))) return;
        await recordAuditEvent(repos.audit, deps.clock, SYSTEM, {
          action: 'expiry.action', target: item.fingerprint, details: { action: item.recipient, event: item.event, outcome },
        });
      });
    } else {
      await deps.uow.read.expiry.markSent(item.seq, now);
    }
    run.sent += 1;
  } catch (error) {
    const failure = asFailure(error, key);
    if (failure.temporary && failure.channelKey) down.add(failure.channelKey);
    const attempts = item.attempts + 1;
    const failed = !failure.temporary || attempts >= deps.settings.maxAttempts;
    await deps.uow.read.expiry.markAttempt(item.seq, {
      attempts, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)), error: failure.message.slice(0, 500), failed,
    });
    if (failed) run.failed += 1;
    else run.retrying += 1;
  }
}

function channelKey(item: OutboxItem): string | null {
  if (item.channel === 'email') return 'email';
  if (item.channel === 'webhook') return `webhook:${item.recipient}`;
  return null;
}

function asFailure(error: unknown, key: string | null): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  if (error instanceof MailError || error instanceof WebhookError) return new DeliveryFailure(error.message, error.temporary, key);
  return new DeliveryFailure((error as Error)?.message ?? String(error), true, null);
}

async function carryOut(deps: DeliveryDeps, item: OutboxItem, now: Date, context: BatchContext): Promise<string> {
  const messageId = `<expiry-${item.seq}.${item.fingerprint?.slice(0, 16) ?? item.scanId}@${new URL(deps.baseUrl).hostname}>`;
  if (item.kind === 'digest') {
    const events = await deps.uow.read.expiry.eventsOfScan(item.scanId ?? '');
    await deps.mailer.send(operatorDigest({ to: item.recipient, events, now, messageId }));
    return 'mailed';
  }
  const event = item.fingerprint && item.event ? context.events.get(eventKey(item.fingerprint, item.event)) ?? null : null;
  if (!event) throw new DeliveryFailure('the event of this row is gone', false, null);
  if (item.kind === 'notice' && !(await deps.uow.read.expiry.stillDue(event))) return CANCELLED;
  if (item.channel === 'webhook') {
    const webhook = deps.settings.webhook;
    if (!webhook || webhook.url !== item.recipient) throw new DeliveryFailure('this webhook is no longer configured', false, null);
    await deps.webhooks.post(item.recipient, noticeWebhookBody(event, now, String(item.seq)), { secret: webhook.secret, timeoutMs: webhook.timeoutMs, deliveryId: String(item.seq) });
    return 'posted';
  }
  if (item.channel === 'email') {
    const to = event.subscriberId ? context.holders.get(event.subscriberId) : undefined;
    // The person was disabled (left) since the scan: nobody to tell.
    if (!to) return CANCELLED;
    const action = policyFor(deps.settings, event.profile).action;
    await deps.mailer.send(holderNotice({ to, event, action, now, link: deps.settings.actionUrl, messageId }));
    return 'mailed';
  }
  const subscriber = event.subscriberId ? await deps.uow.read.subscribers.findById(event.subscriberId) : null;
  return runAction(deps, item, event, subscriber);
}

async function runAction(deps: DeliveryDeps, item: OutboxItem, event: ExpiryEvent, subscriber: Subscriber | null): Promise<string> {
  const action = deps.actions.get(item.recipient);
  if (!action) throw new DeliveryFailure(`no action named ${item.recipient}`, false, null);
  let certificate: CertificateRecord | null = null;
  if (event.source === 'issued') certificate = await deps.uow.read.certificates.findBySerial(event.serial);
  return action.run({ event, subscriber, certificate });
}
