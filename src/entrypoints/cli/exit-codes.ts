/**
 * The CLI's one mapping from domain error codes to exit codes (sysexits.h where one fits), so scripts
 * can tell "you asked for something that isn't there" from "you may not" from "the input is bad".
 */
import type { ErrorCode } from '../../domain/error-codes.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 64, // EX_USAGE
  dataError: 65, // EX_DATAERR: bad input data (CSR, mailbox, …)
  notFound: 66, // EX_NOINPUT: the named thing does not exist
  software: 70, // EX_SOFTWARE: internal error
  conflict: 73, // EX_CANTCREAT: it exists already
  noPermission: 77, // EX_NOPERM
  config: 78, // EX_CONFIG
  unavailable: 69, // EX_UNAVAILABLE: a service mcms needs (the directory) cannot be reached
} as const;

export const EXIT_CODES = {
  'auth.missing-token': EXIT.noPermission,
  'auth.invalid-token': EXIT.noPermission,
  'auth.forbidden': EXIT.noPermission,
  'operator.exists': EXIT.conflict,
  'operator.not-found': EXIT.notFound,
  'operator.invalid-role': EXIT.usage,
  'operator.invalid-name': EXIT.usage,
  'operator.last-admin': EXIT.failure,
  'ca.not-initialized': EXIT.config,
  'ca.already-issued': EXIT.software,
  'ca.lint-failed': EXIT.software,
  'csr.malformed': EXIT.dataError,
  'csr.bad-signature': EXIT.dataError,
  'certificate.not-found': EXIT.notFound,
  'certificate.serial-taken': EXIT.software,
  'certificate.invalid-filter': EXIT.usage,
  'profile.unknown': EXIT.usage,
  'profile.invalid': EXIT.config,
  'key.rejected': EXIT.dataError,
  'subscriber.not-found': EXIT.notFound,
  'subscriber.disabled': EXIT.failure,
  'subscriber.invalid-name': EXIT.dataError,
  'mailbox.invalid': EXIT.dataError,
  'mailbox.taken': EXIT.conflict,
  'device.not-found': EXIT.notFound,
  'device.invalid': EXIT.dataError,
  'device.inactive': EXIT.failure,
  'page.invalid-cursor': EXIT.usage,
  'approval.not-found': EXIT.notFound,
  'approval.already-voted': EXIT.conflict,
  'approval.own-request': EXIT.noPermission,
  'approval.closed': EXIT.failure,
  'challenge.invalid': EXIT.dataError,
  'challenge.expired': EXIT.dataError,
  'challenge.used': EXIT.dataError,
  'challenge.locked': EXIT.dataError,
  'challenge.wrong-profile': EXIT.dataError,
  'challenge.invalid-ttl': EXIT.usage,
  'scep.bad-message': EXIT.dataError,
  'scep.transaction-exists': EXIT.conflict,
  'scep.unknown-transaction': EXIT.notFound,
  'scep.renewal-refused': EXIT.dataError,
  'escrow.not-found': EXIT.notFound,
  'escrow.archive-tampered': EXIT.software,
  'escrow.compromised': EXIT.failure,
  'escrow.recovery-pending': EXIT.noPermission,
  'escrow.recovery-rejected': EXIT.noPermission,
  'job.unknown': EXIT.notFound,
  'job.busy': EXIT.conflict,
  'escrow.recovery-expired': EXIT.noPermission,
  'escrow.already-exported': EXIT.conflict,
  'mobileconfig.invalid': EXIT.software,
  'mobileconfig.not-signable': EXIT.software,
  'delivery.link-invalid': EXIT.dataError,
  'delivery.link-used': EXIT.dataError,
  'delivery.link-expired': EXIT.dataError,
  'delivery.link-revoked': EXIT.dataError,
  'delivery.no-profile-signer': EXIT.failure,
  'delivery.device-inactive': EXIT.failure,
  'delivery.ota-disabled': EXIT.failure,
  'delivery.ota-refused': EXIT.dataError,
  'directory.unavailable': EXIT.unavailable,
  'directory.not-configured': EXIT.config,
  'directory.not-a-leaver': EXIT.failure,
  'expiry.invalid-request': EXIT.usage,
  'revocation.already-revoked': EXIT.conflict,
  'revocation.invalid-reason': EXIT.usage,
  'revocation.reason-not-allowed': EXIT.dataError,
  'revocation.unknown-ca': EXIT.notFound,
  'device.already-lost': EXIT.conflict,
  'directory.refused': EXIT.unavailable,
} as const satisfies Record<ErrorCode, number>;
