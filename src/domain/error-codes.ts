/**
 * Every stable error code the domain can raise, in one union, so that each edge's mapping table can be
 * checked for completeness by the compiler (`satisfies Record<ErrorCode, …>`).
 */
import { ACCESS_ERRORS } from './access/index.js';
import { DELIVERY_ERRORS } from './delivery/index.js';
import { MOBILECONFIG_ERRORS } from './mobileconfig/index.js';
import { CA_ERRORS } from './ca/index.js';
import { ENROLLMENT_ERRORS } from './enrollment/index.js';
import { ESCROW_ERRORS } from './escrow/index.js';
import { EXPIRY_ERRORS } from './expiry/index.js';
import { INVENTORY_ERRORS } from './inventory/index.js';
import { POLICY_ERRORS } from './policy/index.js';
import { PUBLICATION_ERRORS } from './publication/index.js';
import { DIRECTORY_ERRORS } from './directory/index.js';
import { SUBSCRIBER_ERRORS } from './subscribers/index.js';
import { PAGING_ERRORS } from './unit-of-work.js';
import { REVOCATION_ERRORS } from './revocation/index.js';

/** Refusals of the operations around the domain: scheduled jobs run by hand. */
export const OPERATIONS_ERRORS = ['job.unknown', 'job.busy'] as const;

export const ERROR_CODES = [
  ...ACCESS_ERRORS, ...CA_ERRORS, ...ENROLLMENT_ERRORS, ...INVENTORY_ERRORS, ...POLICY_ERRORS, ...SUBSCRIBER_ERRORS,
  ...PAGING_ERRORS, ...ESCROW_ERRORS, ...OPERATIONS_ERRORS,
  ...DELIVERY_ERRORS, ...MOBILECONFIG_ERRORS,
  ...PUBLICATION_ERRORS, ...DIRECTORY_ERRORS,
  ...EXPIRY_ERRORS,
  ...REVOCATION_ERRORS,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
