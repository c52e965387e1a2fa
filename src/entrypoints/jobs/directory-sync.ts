/** `directory-sync`: every hour, people in from the configured directory (nothing without `ldap.url`). */
import type { ScheduledJob } from './job.js';
import { jobPrincipal } from './job-principal.js';

export const directorySyncJob: ScheduledJob = {
  name: 'directory-sync',
  description: 'create and update people from the directory; find leavers',
  schedule: '17 * * * *',
  leaseMs: 30 * 60_000,
  async run({ mcms, signal, log }) {
    if (!mcms.directory.configured) return 'no directory configured (ldap.url)';
    const summary = await mcms.directory.sync(jobPrincipal('directory-sync'), { dryRun: false, signal });
    for (const skipped of summary.skipped.slice(0, 50)) log.warn('directory entry skipped', { dn: skipped.dn, reason: skipped.reason });
    return `${summary.entries} entries: ${summary.added} added, ${summary.updated} updated, ${summary.disabled} leavers, ${summary.skipped.length} skipped`;
  },
};
