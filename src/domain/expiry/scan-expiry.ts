/**
 * The expiry scan (`mcms scan expiry`, job `expiry-scan`). One INSERT … SELECT records, for every
 * certificate in a window that has not had its event, and that no newer certificate replaces: a
 * `notice-<days>` event (the most urgent threshold window it is in, thresholds per group of profiles),
 * the `action` event (the profile's action is due) and the `expired` event (a device certificate that
 * ran out: re-invite). Each family of windows is a column of one CTE, so a certificate is read and
 * checked once. Then the outbox rows (holder mails, webhook calls,
 * actions, the operators' digest) are made from the new events, set by set. Events, outbox rows, the
 * scan's marks and the audit record commit together, so a notice is queued exactly once, ever.
 *
 * A scan after a recent one looks only at what moved into a window since then (each range cut to its
 * last `now - previous` slice) and at certificates added since (by seq, with a margin for inserts
 * still in flight when the previous scan read the mark); a full scan runs when there is no previous
 * scan, the windows' settings changed, time went backwards, the last full scan is a week old, or when
 * asked (`--full`), which also catches what a revocation of a replacing certificate brought back.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { ExpiryDeps } from './expiry-deps.js';
import type { ExpirySettings } from './model.js';
import { EXTERNAL_PROFILE, noticeEvent } from './model.js';
import type { EventFamily, EventPass, ExpiryRepository, ScanMark } from './ports.js';
import { groupProfiles, includesProfile } from './profile-sets.js';

const DAY_MS = 86_400_000;
const FULL_SCAN_EVERY_MS = 7 * DAY_MS;
/** Certificates added up to this many rows before the previous scan's mark are looked at again. */
const SEQ_MARGIN = 1000;

export interface ExpiryScan {
  scanId: string;
  now: Date;
  /** Whether every window was scanned whole (otherwise only what entered one since the last scan). */
  full: boolean;
  /** New events by name (`notice-30`, `action`, `expired`). */
  events: Record<string, number>;
  notices: number;
  /** Outbox rows queued (mails, webhook calls, actions, digests). */
  queued: number;
}

/** The families of a full scan: threshold windows per group of profiles, action windows, the grace period after expiry. */
export function scanFamilies(settings: ExpirySettings, now: Date): EventFamily[] {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
  const families: EventFamily[] = [];
  const family = (profiles: EventFamily['profiles'], ranges: EventFamily['ranges']) =>
    families.push({ ranges, profiles, monitored: includesProfile(profiles, EXTERNAL_PROFILE) });
  for (const { policy, profiles } of groupProfiles(settings, (p) => p.thresholds.join(','))) {
    const days = [...policy.thresholds].sort((a, b) => b - a);
    family(profiles, days.map((d, i) => ({ event: noticeEvent(d), after: at(days[i + 1] ?? 0), upTo: at(d) })));
  }
  for (const { policy, profiles } of groupProfiles(settings, (p) => (p.action === 'none' ? 'none' : String(p.actionDays)))) {
    if (policy.action !== 'none') family(profiles, [{ event: 'action', after: now, upTo: at(policy.actionDays) }]);
  }
  for (const { policy, profiles } of groupProfiles(settings, (p) => String(p.action === 'remind-device'))) {
    if (policy.action === 'remind-device') family(profiles, [{ event: 'expired', after: at(-settings.graceDays), upTo: now }]);
  }
  return families;
}

/** The settings the windows depend on: when they change, the next scan is a full one. */
function windowsKey(settings: ExpirySettings): string {
  return JSON.stringify({ policies: [...settings.policies].sort(), defaults: settings.defaultPolicy, grace: settings.graceDays });
}

/** The passes of this scan: every family whole, or cut to what entered a window since `previous` plus what was added since. */
function passesSince(families: EventFamily[], previous: ScanMark | null, scan: { scanId: string; now: Date }): EventPass[] {
  if (!previous) return [{ families, ...scan }];
  const elapsed = scan.now.getTime() - previous.scannedAt.getTime();
  const entered = families.map((f) => ({
    ...f,
    ranges: f.ranges
      .map((r) => ({ ...r, after: new Date(Math.max(r.after.getTime(), r.upTo.getTime() - elapsed)) }))
      .filter((r) => r.after < r.upTo),
  })).filter((f) => f.ranges.length > 0);
  const addedAfter = { certificates: previous.marks.certificates - SEQ_MARGIN, monitored: previous.marks.monitored - SEQ_MARGIN };
  return [...(entered.length > 0 ? [{ families: entered, ...scan }] : []), { families, addedAfter, ...scan }];
}

export async function scanExpiry(deps: ExpiryDeps, principal: Principal, options: { now?: Date | undefined; full?: boolean | undefined } = {}): Promise<ExpiryScan> {
  requirePermission(principal, 'operations.run');
  const now = options.now ?? deps.clock.now();
  const scanId = randomUUID();
  const windows = windowsKey(deps.settings);
  return deps.uow.transaction(async (repos) => {
    const previous = await repos.expiry.lastScan();
    const marks = await repos.expiry.highWaterMarks();
    const full = options.full === true || !previous || previous.windows !== windows || previous.scannedAt > now
      || now.getTime() - previous.fullScanAt.getTime() >= FULL_SCAN_EVERY_MS;
    for (const pass of passesSince(scanFamilies(deps.settings, now), full ? null : previous, { scanId, now })) await repos.expiry.recordEvents(pass);
    const events = await repos.expiry.countEventsOfScan(scanId);
    const notices = Object.entries(events).filter(([e]) => e.startsWith('notice-')).reduce((sum, [, n]) => sum + n, 0);
    const queued = await queueOutbox(repos.expiry, deps.settings, { scanId, now, notices, actions: (events.action ?? 0) + (events.expired ?? 0) });
    await repos.expiry.recordScan({ scanId, scannedAt: now, marks, windows, fullScanAt: full ? now : previous!.fullScanAt }, deps.clock.now());
    await recordAuditEvent(repos.audit, deps.clock, principal.actor, {
      action: 'expiry.scan', target: scanId, details: { now: now.toISOString(), full, events, queued },
    });
    return { scanId, now, full, events, notices, queued };
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
