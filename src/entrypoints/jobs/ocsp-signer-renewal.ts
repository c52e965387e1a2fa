/**
 * `ocsp-signer-renewal`: daily, replace the delegated OCSP responder certificate when it nears its end
 * (it carries id-pkix-ocsp-nocheck, so it is kept short-lived and renewed in time, RFC 6960 §4.2.2.2.1).
 */
import type { ScheduledJob } from './job.js';

export const ocspSignerRenewalJob: ScheduledJob = {
  name: 'ocsp-signer-renewal',
  description: 'renew the delegated OCSP responder certificate before it expires',
  schedule: '17 3 * * *',
  leaseMs: 10 * 60_000,
  async run({ mcms }) {
    const renewal = await mcms.ocsp.renewSigner(null, {});
    return renewal.renewed
      ? `renewed: ${renewal.identityId} until ${renewal.notAfter.toISOString()}`
      : `${renewal.identityId} is good until ${renewal.notAfter.toISOString()}`;
  },
};
