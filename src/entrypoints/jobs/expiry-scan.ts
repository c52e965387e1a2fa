/** Job `expiry-scan`: daily, records the notices and actions due and queues them (the outbox job sends them). */
import type { ScheduledJob } from './job.js';

export const expiryScanJob: ScheduledJob = {
  name: 'expiry-scan',
  description: 'notices at each expiry threshold, actions, the operators\' digest (queued in the outbox)',
  schedule: '0 6 * * *',
  leaseMs: 30 * 60_000,
  async run({ mcms, now }) {
    const scan = await mcms.expiry.scan(mcms.localPrincipal(), { now });
    const events = Object.entries(scan.events).map(([e, n]) => `${e}: ${n}`).join(', ');
    return `${scan.notices} notice${scan.notices === 1 ? '' : 's'}, ${scan.queued} queued${events ? ` (${events})` : ''}`;
  },
};
