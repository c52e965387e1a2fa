/** Every scheduled job mcms runs; `main/` schedules them, `mcms job` lists and runs them. */
import type { ScheduledJob } from './job.js';
import { publicationOutboxJob } from './publication-outbox.js';
import { directorySyncJob } from './directory-sync.js';
import { expiryScanJob } from './expiry-scan.js';
import { notificationOutboxJob } from './notification-outbox.js';
import { crlRefreshJob } from './crl-refresh.js';
import { ocspSignerRenewalJob } from './ocsp-signer-renewal.js';

export type { JobContext, JobLog, ScheduledJob } from './job.js';

export const JOBS: readonly ScheduledJob[] = [
  publicationOutboxJob,
  directorySyncJob,
  expiryScanJob,
  notificationOutboxJob,
  crlRefreshJob,
  ocspSignerRenewalJob,
];
