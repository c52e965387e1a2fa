/**
 * The expiry scan (`mcms scan expiry`, job `expiry-scan`): for each threshold window of each group of
 * profiles, one INSERT … SELECT records a `notice-<days>` event for every certificate that entered the
 * window and has not had it, skipping certificates already renewed or replaced; then the outbox rows
 * (holder mails, webhook calls, actions, the operators' digest) are made from the new events, again set
 * by set. Events and outbox rows commit together with the audit record, so a notice is queued exactly
 * once, and a certificate first seen late gets only the most urgent notice that applies.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { ExpiryDeps } from './expiry-deps.js';
import type { ExpirySettings } from './model.js';
import { EXTERNAL_PROFILE, noticeEvent } from './model.js';
import type { EventWindow, ExpiryRepository } from './ports.js';
import { groupProfiles, includesProfile } from './profile-sets.js';

const DAY_MS = 86_400_000;

export interface ExpiryScan {
  scanId: string;
  now: Date;
  /** New events by name (`notice-30`, `action`, `expired`). */
  events: Record<string, number>;
  notices: number;
  /** Outbox rows queued (mails, webhook calls, actions, digests). */
  queued: number;
}

/** The windows of one scan: thresholds, action windows and the grace period after expiry. */
export function scanWindows(settings: ExpirySettings, now: Date, scanId: string): EventWindow[] {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
  const windows: EventWindow[] = [];
  for (const { policy, profiles } of groupProfiles(settings, (p) => p.thresholds.join(','))) {
    const monitored = includesProfile(profiles, EXTERNAL_PROFILE);
    const days = [...policy.thresholds].sort((a, b) => b - a);
    days.forEach((d, i) => {
      windows.push({ event: noticeEvent(d), after: at(days[i + 1] ?? 0), upTo: at(d), profiles, monitored, scanId, now });
    });
  }
  for (const { policy, profiles } of groupProfiles(settings, (p) => `${p.action}:${p.actionDays}`)) {
    if (policy.action === 'none') continue;
    const monitored = includesProfile(profiles, EXTERNAL_PROFILE);
    windows.push({ event: 'action', after: now, upTo: at(policy.actionDays), profiles, monitored, scanId, now });
    if (policy.action === 'remind-device') {
      windows.push({ event: 'expired', after: at(-settings.graceDays), upTo: now, profiles, monitored, scanId, now });
    }
  }
  return windows;
}

export async function scanExpiry(deps: ExpiryDeps, principal: Principal, options: { now?: Date | undefined } = {}): Promise<ExpiryScan> {
  requirePermission(principal, 'operations.run');
  const now = options.now ?? deps.clock.now();
  const scanId = randomUUID();
  const windows = scanWindows(deps.settings, now, scanId);
  return deps.uow.transaction(async (repos) => {
    const events: Record<string, number> = {};
    for (const window of windows) {
      const n = await repos.expiry.recordEvents(window);
      if (n > 0) events[window.event] = (events[window.event] ?? 0) + n;
    }
    const notices = Object.entries(events).filter(([e]) => e.startsWith('notice-')).reduce((sum, [, n]) => sum + n, 0);
    const queued = await queueOutbox(repos.expiry, deps.settings, { scanId, now, notices, actions: (events.action ?? 0) + (events.expired ?? 0) });
    const scan: ExpiryScan = { scanId, now, events, notices, queued };
    await recordAuditEvent(repos.audit, deps.clock, principal.actor, {
      action: 'expiry.scan', target: scanId, details: { now: now.toISOString(), events, queued },
    });
    return scan;
  });
}

async function queueOutbox(
  expiry: ExpiryRepository,
  settings: ExpirySettings,
  scan: { scanId: string; now: Date; notices: number; actions: number },
): Promise<number> {
  const { scanId, now } = scan;
  let queued = 0;
  if (scan.notices > 0) {
    for (const { policy, profiles } of groupProfiles(settings, (p) => String(p.notifyHolder))) {
      if (!policy.notifyHolder) continue;
      queued += await expiry.enqueueForEvents({
        scanId, events: 'notices', profiles, withSubscriber: true, kind: 'notice', channel: 'email', recipient: 'holder', now,
      });
    }
    if (settings.webhook) {
      queued += await expiry.enqueueForEvents({
        scanId, events: 'notices', profiles: { exclude: [] }, withSubscriber: false, kind: 'notice', channel: 'webhook', recipient: settings.webhook.url, now,
      });
    }
    for (const operator of settings.operators) {
      await expiry.enqueue({ kind: 'digest', channel: 'email', recipient: operator, scanId, now });
      queued += 1;
    }
  }
  if (scan.actions > 0) {
    for (const { policy, profiles } of groupProfiles(settings, (p) => p.action)) {
      if (policy.action === 'none') continue;
      queued += await expiry.enqueueForEvents({
        scanId, events: ['action', 'expired'], profiles, withSubscriber: false, kind: 'action', channel: 'action', recipient: policy.action, now,
      });
    }
  }
  return queued;
}
