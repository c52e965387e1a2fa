/**
 * Drains the publication outbox (the `publication-outbox` job, `mcms directory publish`): due intents
 * are grouped by person, each person's entry is reconciled once, and their intents are closed together.
 * A failure puts the person's intents back with exponential backoff (retryBase × 2^attempts, capped at
 * retryMax), retried until they succeed, so nothing is lost; an unreachable directory stops the drain
 * at once and leaves the rest for the next run. Certificates that expired since they were published
 * get an intent of their own first, so expiry removes them too.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { PublicationDrain, PublicationIntent } from './model.js';
import type { PublicationDeps } from './publication-deps.js';
import { reconcileEntry } from './reconcile-entry.js';
import { requestDirectoryReconciliation } from './request-reconciliation.js';

export function retryDelayMs(attempts: number, settings: { retryBaseMs: number; retryMaxMs: number }): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
}

/** Errors are recorded on the intent, shortened and on one line (never more than the LDAP result). */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 300);
}

async function enqueueExpired(deps: PublicationDeps, now: Date): Promise<void> {
  const expired = await deps.uow.read.publishedValues.subscribersWithExpired(now, deps.settings.batchSize);
  if (expired.length === 0) return;
  const pending = new Set((await deps.uow.read.publicationOutbox.listDue(now, deps.settings.batchSize * 4)).map((i) => i.subscriberId));
  await deps.uow.transaction(async (tx) => {
    for (const subscriberId of expired) if (!pending.has(subscriberId)) await requestDirectoryReconciliation(tx, subscriberId, now, 'expired');
  });
}

export async function drainPublicationOutbox(deps: PublicationDeps, principal: Principal, options: { signal?: AbortSignal | undefined } = {}): Promise<PublicationDrain> {
  requirePermission(principal, 'operations.run');
  const now = deps.clock.now();
  const drain: PublicationDrain = { delivered: 0, failed: 0, noEntry: 0, valuesAdded: 0, valuesRemoved: 0, pending: 0, unavailable: null };
  const { directory } = deps;
  let chainOnce: Promise<Buffer[]> | undefined;
  const chain = () => (chainOnce ??= deps.chain());
  await enqueueExpired(deps, now);
  const due = await deps.uow.read.publicationOutbox.listDue(now, deps.settings.batchSize);
  const bySubscriber = new Map<string, PublicationIntent[]>();
  for (const intent of due) bySubscriber.set(intent.subscriberId, [...(bySubscriber.get(intent.subscriberId) ?? []), intent]);

  for (const [subscriberId, intents] of bySubscriber) {
    if (options.signal?.aborted) break;
    const ids = intents.map((i) => i.id);
    if (!directory) {
      await deps.uow.transaction((tx) => tx.publicationOutbox.markDelivered(ids, { at: now, note: 'no directory configured' }));
      drain.delivered += ids.length;
      continue;
    }
    try {
      const outcome = await reconcileEntry({ ...deps, directory, chain }, subscriberId, principal.actor, ids);
      drain.delivered += ids.length;
      if (outcome.note) drain.noEntry += 1;
      drain.valuesAdded += outcome.added.length;
      drain.valuesRemoved += outcome.removed.length;
    } catch (error) {
      const unavailable = error instanceof DomainError && error.code === 'directory.unavailable';
      const failing = unavailable ? [...bySubscriber.entries()].slice([...bySubscriber.keys()].indexOf(subscriberId)).flatMap(([, list]) => list) : intents;
      await deps.uow.transaction(async (tx) => {
        for (const intent of failing) {
          const attempts = intent.attempts + 1;
          await tx.publicationOutbox.markFailed(intent.id, {
            attempts, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, deps.settings)), error: describeFailure(error),
          });
        }
      });
      drain.failed += failing.length;
      if (unavailable) {
        drain.unavailable = describeFailure(error);
        break;
      }
    }
  }
  drain.pending = await deps.uow.read.publicationOutbox.countPending();
  return drain;
}
