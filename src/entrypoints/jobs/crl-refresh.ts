/**
 * `crl-refresh`: every 30 seconds, re-sign for each CA the delta CRL when something was revoked since
 * it was signed (so a revocation reaches the CRLs within a minute, from any process or node), the
 * delta every 12 hours anyway, and the complete CRL daily (nextUpdate 7 days, S/MIME BR §4.9.7).
 */
import type { ScheduledJob } from './job.js';

export const crlRefreshJob: ScheduledJob = {
  name: 'crl-refresh',
  description: 'sign CRLs that are due or changed (delta after revocations, complete daily)',
  schedule: '*/30 * * * * *',
  leaseMs: 10 * 60_000,
  async run({ mcms }) {
    const results = await mcms.crl.refresh();
    const signed = results.filter((r) => r.published.length > 0).map((r) => `${r.issuerId}: ${r.published.join('+')}`);
    return signed.length > 0 ? `signed ${signed.join(', ')}` : 'nothing due';
  },
};
