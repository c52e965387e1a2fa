/**
 * `publication-outbox`: every minute, publishes what issuance, revocation, expiry and the directory
 * sync asked for (domain/publication), retrying failed intents with backoff.
 */
import type { ScheduledJob } from './job.js';
import { jobPrincipal } from './job-principal.js';

export const publicationOutboxJob: ScheduledJob = {
  name: 'publication-outbox',
  description: 'publish encryption certificates to the directory (and remove superseded, revoked and expired ones)',
  schedule: '* * * * *',
  leaseMs: 10 * 60_000,
  async run({ mcms, signal, log }) {
    const drain = await mcms.directory.publish(jobPrincipal('publication-outbox'), { signal });
    if (drain.unavailable) log.warn('directory unreachable; publication retried later', { reason: drain.unavailable, pending: drain.pending });
    return describeDrain(drain);
  },
};

export function describeDrain(drain: { delivered: number; failed: number; noEntry: number; valuesAdded: number; valuesRemoved: number; pending: number; unavailable: string | null }): string {
  return `${drain.delivered} delivered (${drain.valuesAdded} values added, ${drain.valuesRemoved} removed, ${drain.noEntry} without entry), `
    + `${drain.failed} failed, ${drain.pending} pending${drain.unavailable ? '; directory unreachable' : ''}`;
}
