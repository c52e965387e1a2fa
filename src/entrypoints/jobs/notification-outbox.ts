/** Job `notification-outbox`: every minute, sends the due expiry mails and webhook calls and runs due actions, with retries. */
import type { ScheduledJob } from './job.js';

export const notificationOutboxJob: ScheduledJob = {
  name: 'notification-outbox',
  description: 'delivers queued notices (mail, webhooks) and runs expiry actions, retrying with backoff',
  schedule: '* * * * *',
  leaseMs: 10 * 60_000,
  async run({ mcms, now, signal }) {
    const run = await mcms.expiry.deliver(mcms.localPrincipal(), { now, signal });
    return `${run.sent} sent, ${run.cancelled} cancelled, ${run.retrying} to retry, ${run.failed} failed, ${run.deferred} deferred`;
  },
};
