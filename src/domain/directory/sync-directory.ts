/**
 * `mcms directory sync [--dry-run]` and the `directory-sync` job: people in from the directory. Each
 * entry is read through the mapping (read-entry.ts) and planned (plan-entry.ts); additions and
 * updates commit one entry at a time with their audit record, so a bad entry is reported with its DN
 * and skipped while the rest goes on. People who are disabled in the directory, or whose entry is gone
 * after a complete sync, become leavers: listed for an operator (`ldap.leavers` confirm) or handed to
 * the leaver action at once (auto). A sync that finds no entry at all marks nobody as vanished (a
 * wrong filter or base must not turn everybody into a leaver).
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import { requestDirectoryReconciliation } from '../publication/index.js';
import type { Subscriber } from '../subscribers/index.js';
import type { DirectoryDeps } from './directory-deps.js';
import { leaverView } from './leavers.js';
import type { DirectoryLink, SyncProgress, SyncSummary } from './model.js';
import type { EntryPlan, SyncState } from './plan-entry.js';
import { planEntry } from './plan-entry.js';
import { readDirectoryEntry } from './read-entry.js';

export interface SyncOptions {
  dryRun: boolean;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

async function applyPlan(deps: DirectoryDeps, principal: Principal, plan: Exclude<EntryPlan, { kind: 'skip' }>): Promise<void> {
  const at = deps.clock.now();
  await deps.uow.transaction(async (tx) => {
    if (plan.kind === 'add') {
      await tx.subscribers.insert(plan.subscriber);
      await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
        action: 'subscriber.add', target: plan.subscriber.mailboxes[0]!.address,
        details: { id: plan.subscriber.id, mailboxes: plan.subscriber.mailboxes.map((m) => m.address), via: 'directory', dn: plan.link.entryDn },
      });
    } else if (plan.kind === 'update') {
      await tx.subscribers.updateProfile(plan.next.id, { displayName: plan.next.displayName, mailboxes: plan.next.mailboxes });
      await requestDirectoryReconciliation(tx, plan.next.id, at, 'synced');
      await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
        action: 'subscriber.update', target: plan.next.mailboxes[0]!.address,
        details: { id: plan.next.id, displayName: plan.next.displayName, mailboxes: plan.next.mailboxes.map((m) => m.address), via: 'directory', dn: plan.link.entryDn },
      });
    }
    else if (plan.entryMoved) await requestDirectoryReconciliation(tx, plan.next.id, at, 'entry moved');
    await tx.directoryLinks.save(plan.link);
    if (plan.leaver) {
      await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
        action: 'directory.leaver', target: plan.subscriber.mailboxes[0]!.address, details: { id: plan.subscriber.id, reason: 'disabled', dn: plan.link.entryDn },
      });
    }
  });
}

async function markVanished(deps: DirectoryDeps, principal: Principal, state: SyncState, dryRun: boolean): Promise<{ link: DirectoryLink; subscriber: Subscriber }[]> {
  const found: { link: DirectoryLink; subscriber: Subscriber }[] = [];
  for (const link of await deps.uow.read.directoryLinks.listNotSeenSince(state.startedAt)) {
    if (state.seenSubscribers.has(link.subscriberId)) continue; // seen by this sync (a dry run does not record it)
    const subscriber = await deps.uow.read.subscribers.findById(link.subscriberId);
    if (!subscriber || subscriber.status !== 'active') continue;
    const marked: DirectoryLink = { ...link, leaverReason: 'vanished', leaverSince: state.startedAt };
    if (!dryRun) {
      await deps.uow.transaction(async (tx) => {
        await tx.directoryLinks.save(marked);
        await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
          action: 'directory.leaver', target: subscriber.mailboxes[0]?.address ?? subscriber.id, details: { id: subscriber.id, reason: 'vanished', dn: link.entryDn },
        });
      });
    }
    found.push({ link: marked, subscriber });
  }
  return found;
}

export async function syncDirectory(deps: DirectoryDeps, principal: Principal, options: SyncOptions): Promise<SyncSummary> {
  requirePermission(principal, options.dryRun ? 'subscribers.read' : 'subscribers.write');
  if (!deps.source) throw new DomainError('directory.not-configured', 'no directory is configured (ldap.url)');
  const state: SyncState = { startedAt: deps.clock.now(), claimedMailboxes: new Map(), seenSubscribers: new Map() };
  const summary: SyncSummary = { dryRun: options.dryRun, entries: 0, added: 0, updated: 0, unchanged: 0, disabled: 0, skipped: [], leavers: [] };
  const newLeavers: { link: DirectoryLink; subscriber: Subscriber }[] = [];
  let complete = true;
  for await (const page of deps.source.pages()) {
    const touched: string[] = [];
    for (const raw of page) {
      summary.entries += 1;
      const person = readDirectoryEntry(raw, deps.mapping);
      if ('problem' in person) {
        summary.skipped.push({ dn: raw.dn, reason: person.problem });
        continue;
      }
      const plan = await planEntry(deps, person, state);
      if (plan.kind === 'skip') {
        summary.skipped.push({ dn: person.dn, reason: plan.reason });
        continue;
      }
      state.seenSubscribers.set(plan.subscriber.id, person.dn);
      for (const address of person.mailboxes) state.claimedMailboxes.set(address, person.dn);
      summary[plan.kind === 'add' ? 'added' : plan.kind === 'update' ? 'updated' : 'unchanged'] += 1;
      if (plan.leaver) newLeavers.push({ link: plan.link, subscriber: plan.subscriber });
      if (options.dryRun) continue;
      if (plan.kind === 'unchanged' && !plan.linkChanged) touched.push(plan.subscriber.id);
      else await applyPlan(deps, principal, plan);
    }
    if (!options.dryRun && touched.length > 0) await deps.uow.transaction((tx) => tx.directoryLinks.touch(touched, state.startedAt));
    options.onProgress?.({ entries: summary.entries });
    if (options.signal?.aborted) {
      complete = false;
      break;
    }
  }
  if (complete && summary.entries > 0) newLeavers.push(...(await markVanished(deps, principal, state, options.dryRun)));
  summary.disabled = newLeavers.length;
  for (const { link, subscriber } of newLeavers) {
    const handled = !options.dryRun && deps.leaverMode === 'auto';
    if (handled) await deps.leave(principal, subscriber, `${link.leaverReason} in the directory`);
    summary.leavers.push(leaverView(link, subscriber, handled));
  }
  return summary;
}
