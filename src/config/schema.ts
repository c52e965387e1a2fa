/**
 * The one configuration schema: types, defaults, documentation and environment names all come from
 * here. Every leaf has an env name derived from its path (`ca.keyAlgorithm` → MCMS_CA_KEY_ALGORITHM,
 * `profiles.smime-signing.validityDays` → MCMS_PROFILES_SMIME_SIGNING_VALIDITY_DAYS).
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../lib/duration.js';
import { KEY_ALGORITHMS } from '../domain/ca/index.js';
import { ENCRYPTION_KEY_ALGORITHMS } from '../domain/escrow/index.js';
import { EXPIRY_ACTIONS } from '../domain/expiry/index.js';
import type { ProfileId } from '../domain/policy/index.js';
import { GENERATIONS, MAX_VALIDITY_DAYS, profileSettingsProblem, VALIDATION_TYPES } from '../domain/policy/index.js';

const days = (fallback: number, what: string) =>
  z.number().int().min(1).max(36_600).default(fallback).describe(`validity of ${what}, in days`);

const duration = (fallback: string, what: string) =>
  z.string().regex(new RegExp(DURATION_PATTERN), 'must be a duration such as 30m, 12h, 7d or 2w').default(fallback).describe(what);

function profile(id: ProfileId, generation: (typeof GENERATIONS)[number], validityDays: number) {
  return z
    .object({
      generation: z.enum(GENERATIONS).default(generation).describe(`S/MIME BR generation of ${id} certificates`),
      validityDays: z.number().int().min(1).max(MAX_VALIDITY_DAYS).default(validityDays)
        .describe(`validity of ${id} certificates, in days (at most ${MAX_VALIDITY_DAYS})`),
      requireApproval: z.boolean().default(false)
        .describe(`${id} enrollments over SCEP wait as PENDING until an operator approves them`),
    })
    .default({ generation, validityDays, requireApproval: false })
    .superRefine((value, ctx) => {
      const problem = profileSettingsProblem(id, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['generation'] });
    });
}

const THRESHOLDS = /^\s*\d{1,4}(\s*,\s*\d{1,4})*\s*$/;

function expiryProfile(id: string, action: (typeof EXPIRY_ACTIONS)[number]) {
  return z.object({
    thresholds: z.string().regex(THRESHOLDS, 'must be days, comma-separated, e.g. 30,14,7,1').optional()
      .describe(`notice thresholds of ${id} certificates, in days before expiry (default expiry.thresholds)`),
    notifyHolder: z.boolean().default(true).describe(`mail the holder of a ${id} certificate at each threshold`),
    action: z.enum(EXPIRY_ACTIONS).default(action).describe(`what mcms does for an expiring ${id} certificate`),
    actionDays: z.number().int().min(1).max(3650).optional()
      .describe(`run the ${id} action this many days before expiry (default: the largest threshold)`),
  }).prefault({});
}

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data').describe('directory for the SQLite database, the master key and other state'),
  host: z.string().min(1).default('127.0.0.1').describe('address the HTTP server listens on (0.0.0.0 or :: to serve devices on the network)'),
  port: z.number().int().min(0).max(65535).default(8080).describe('HTTP port'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional()
    .describe('public URL of this server, put into certificates (CRL, AIA) and profiles; default http://localhost:PORT'),
  databaseUrl: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://').optional()
    .describe('database: postgres://user@host/db for PostgreSQL; default sqlite:DATA_DIR/mcms.db'),
  masterKey: z.string().optional().describe('master key for keys at rest (32 bytes, base64 or hex); default DATA_DIR/master.key'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('log level'),
  trustProxy: z.boolean().default(false).describe('trust X-Forwarded-* headers from a reverse proxy'),
  workers: z.number().int().min(1).max(64).default(1)
    .describe('HTTP worker processes (node:cluster); the supervisor accepts connections and hands each to the worker with the fewest open ones; 2 or more use more cores'),
  bodyLimit: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024).describe('largest request body accepted, in bytes'),
  ca: z.object({
    keyAlgorithm: z.enum(KEY_ALGORITHMS).default('rsa-2048').describe('key algorithm of the root and issuing CA (set before `mcms init`)'),
    rootName: z.string().min(1).max(64).default('mcms Root CA').describe('common name of the root CA'),
    issuingName: z.string().min(1).max(64).default('mcms Issuing CA').describe('common name of the issuing CA'),
    organization: z.string().min(1).max(64).optional().describe('organizationName in CA names and sponsor-validated subjects'),
    organizationIdentifier: z.string().min(1).max(64).optional().describe('organizationIdentifier for sponsor-validated subjects'),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter code').optional().describe('countryName in CA names'),
    rootValidityDays: days(7305, 'the root CA'),
    issuingValidityDays: days(3652, 'the issuing CA'),
    serviceValidityDays: days(730, 'the SCEP RA and profile-signing certificates'),
    ocspSignerValidityDays: days(365, 'the OCSP signer certificate'),
  }).prefault({}),
  certificates: z.object({
    validation: z.enum(VALIDATION_TYPES).default('mailbox')
      .describe('S/MIME BR validation type: mailbox (CN = mailbox) or sponsor (CN = name, O = organization)'),
  }).prefault({}),
  scep: z.object({
    validator: z.enum(['one-time', 'static', 'webhook']).default('one-time')
      .describe('how SCEP challenges are checked: one-time (bound to person, device, profile), static (labs only), webhook'),
    challengeTtl: duration('1h', 'default lifetime of a one-time challenge'),
    challengeMaxTtl: duration('30d', 'longest lifetime an operator may give a challenge'),
    approvalTtl: duration('7d', 'how long an enrollment waits for approval before it expires'),
    static: z.object({
      'smime-signing': z.string().min(8).optional().describe('static challenge for smime-signing (labs only: anyone who knows it can enroll)'),
      'smime-encryption': z.string().min(8).optional().describe('static challenge for smime-encryption (labs only)'),
      'smime-dual': z.string().min(8).optional().describe('static challenge for smime-dual (labs only)'),
      'device-auth': z.string().min(8).optional().describe('static challenge for device-auth (labs only)'),
    }).prefault({}),
    webhook: z.object({
      url: z.url({ protocol: /^https?$/ }).optional().describe('webhook validator: URL that receives an HMAC-signed POST per challenge'),
      secret: z.string().min(16).optional().describe('webhook validator: HMAC-SHA256 key for the X-Mcms-Signature header'),
      timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('webhook validator: time to wait for an answer (then refuse)'),
    }).prefault({}),
  }).prefault({}),
  escrow: z.object({
    keyAlgorithm: z.enum(ENCRYPTION_KEY_ALGORITHMS).default('rsa-2048')
      .describe('algorithm of centrally generated encryption keys (P-256 certificates carry keyAgreement)'),
    poolSize: z.number().int().min(0).max(1024).default(16)
      .describe('pre-generated encryption key pairs kept in memory by `mcms serve` (0: generate on demand)'),
    recoveryApprovals: z.number().int().min(1).max(16).default(2)
      .describe('distinct recovery agents who must approve a third-party key recovery (M of N)'),
    recoveryTtl: duration('72h', 'how long a key recovery request waits for its approvals before it expires'),
    pkcs12Variant: z.enum(['legacy', 'modern']).default('legacy')
      .describe('PKCS#12 of delivered keys: legacy (3DES, HMAC-SHA1; what Apple devices import) or modern (AES-256, SHA-256)'),
  }).prefault({}),
  mail: z.object({
    host: z.string().min(1).optional().describe('SMTP server for invitations and notices; unset: no mail is sent and links are printed'),
    port: z.number().int().min(1).max(65535).default(587).describe('SMTP port'),
    secure: z.boolean().default(false).describe('connect with TLS at once (port 465); otherwise STARTTLS when offered'),
    requireTls: z.boolean().default(false).describe('refuse to send unless the server offers STARTTLS'),
    user: z.string().min(1).optional().describe('SMTP user name (unset: no authentication)'),
    password: z.string().optional().describe('SMTP password'),
    from: z.string().min(3).default('mcms <mcms@localhost>').describe('sender of mail from mcms'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('SMTP connection, greeting and socket time-out'),
    maxConnections: z.number().int().min(1).max(32).default(4).describe('SMTP connections kept open in the pool'),
  }).prefault({}),
  crl: z.object({
    shards: z.number().int().min(1).max(256).default(1)
      .describe('partition CRLs: new certificates name shard k of N (/crl/<ca>-s<k>.crl, k = last serial octet mod N) so phones download ~1/N; 1: no shards'),
  }).prefault({}),
  jobs: z.object({
    enabled: z.boolean().default(true).describe('run the scheduled jobs (CRL refresh, directory sync, expiry scan…) inside `mcms serve`'),
    schedules: z.string().default('')
      .describe('override job schedules: "name=cron; name=cron" (croner syntax, e.g. "crl-refresh=*/5 * * * *"); `mcms job list` shows the jobs'),
  }).prefault({}),
  delivery: z.object({
    linkTtl: duration('7d', 'how long an enrollment link (mcms invite) stays usable'),
    profileChallengeTtl: duration('7d', 'lifetime of the one-time SCEP challenge inside a delivered profile (at most scep.challengeMaxTtl)'),
    organization: z.string().min(1).max(64).optional().describe('organisation named in profiles and invitations; default ca.organization, else "mcms"'),
    identifierPrefix: z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must be reverse-DNS, e.g. com.example.mcms').optional()
      .describe('reverse-DNS prefix of profile and payload identifiers; default from the base URL host (com.example.pki.mcms)'),
    signingProfile: z.enum(['smime-signing', 'smime-dual']).default('smime-signing')
      .describe("certificate profile of the key the device makes over SCEP: smime-signing (Key Usage 1) or smime-dual (Key Usage 5)"),
    redeliverOnRekey: z.boolean().default(true)
      .describe("after a new encryption identity (escrow generate, recertify), mail each of the person's active devices a new link (needs mail.host)"),
    mailAccount: z.enum(['none', 'imap', 'exchange']).default('none')
      .describe('mail account the profile sets up with S/MIME: none (identities only), imap (com.apple.mail.managed) or exchange (com.apple.eas.account)'),
    imap: z.object({
      incomingHost: z.string().min(1).optional().describe('IMAP server host name (mailAccount imap)'),
      incomingPort: z.number().int().min(1).max(65535).default(993).describe('IMAP port'),
      incomingSsl: z.boolean().default(true).describe('IMAP over TLS'),
      outgoingHost: z.string().min(1).optional().describe('SMTP submission host name (mailAccount imap)'),
      outgoingPort: z.number().int().min(1).max(65535).default(587).describe('SMTP submission port'),
      outgoingSsl: z.boolean().default(true).describe('SMTP submission over TLS'),
      userName: z.enum(['email', 'local-part']).default('email').describe('login name: the whole mailbox, or its local part'),
    }).prefault({}),
    exchange: z.object({
      host: z.string().min(1).optional().describe('Exchange ActiveSync host name (mailAccount exchange)'),
      ssl: z.boolean().default(true).describe('Exchange ActiveSync over TLS'),
      userName: z.enum(['email', 'local-part']).default('email').describe('login name: the whole mailbox, or its local part'),
    }).prefault({}),
    ota: z.object({
      enabled: z.boolean().default(false)
        .describe('enrollment links use over-the-air enrollment (Apple Profile Service): device attested, device identity over SCEP, profile encrypted to it'),
      deviceCaFile: z.string().min(1).optional()
        .describe("PEM file of the CA that signs devices' built-in identities (Apple iPhone Device CA); its public key is the pinned trust anchor"),
      sessionTtl: duration('1h', 'how long an over-the-air enrollment may take from the link to the final profile'),
      profileTtl: duration('365d', 'PayloadExpirationDate of an over-the-air profile: after it the device asks for a new one'),
    }).prefault({}),
  }).prefault({}),
  ldap: z.object({
    url: z.string().regex(/^ldaps?:\/\/[^\s]+$/, 'must be an ldap:// or ldaps:// URL').optional()
      .describe('the directory (LDAP or Active Directory) people come from and certificates go to; unset: no directory'),
    tlsCaFile: z.string().default('').describe("PEM file of the CA(s) that issued the directory's TLS certificate, for ldaps:// (empty: the system's CAs)"),
    bindDn: z.string().default('').describe('DN to bind as (empty: anonymous); needs write access to the certificate attributes to publish'),
    bindPassword: z.string().default('').describe('password of bindDn'),
    baseDn: z.string().default('').describe('where people are searched (subtree)'),
    filter: z.string().default('(objectClass=inetOrgPerson)').describe('RFC 4515 filter selecting people; on AD e.g. (&(objectCategory=person)(objectClass=user))'),
    pageSize: z.number().int().min(1).max(10000).default(500).describe('entries per page of a sync search (RFC 2696 paged results)'),
    timeout: duration('30s', 'how long one directory operation may take before the directory counts as unreachable'),
    mailAttribute: z.string().default('mail').describe('attribute holding the primary mailbox'),
    proxyAddressesAttribute: z.string().default('proxyAddresses')
      .describe('AD-style addresses attribute: `smtp:` values become extra mailboxes, `SMTP:` the primary (empty: not read)'),
    nameAttribute: z.string().default('displayName').describe('attribute holding the display name (falls back to cn)'),
    loginAttribute: z.string().default('uid').describe('attribute holding the login name (AD: sAMAccountName)'),
    departmentAttribute: z.string().default('departmentNumber').describe('attribute holding the department (AD: department)'),
    disabledAttribute: z.string().default('')
      .describe('an attribute that disables a person when it is TRUE (e.g. nsAccountLock); AD userAccountControl bit 2 is always read'),
    leavers: z.enum(['confirm', 'auto']).default('confirm')
      .describe('people who vanish from the directory or are disabled: listed for an operator to confirm (`mcms directory leavers`), or handled at once'),
    certificateAttribute: z.string().default('userCertificate;binary').describe('attribute the DER encryption certificate is published to (RFC 4523)'),
    smimeAttribute: z.string().default('userSMIMECertificate')
      .describe('attribute the PKCS#7 (certificate and chain) is published to (RFC 2798); OpenLDAP refuses the ;binary option on it, AD accepts userSMIMECertificate;binary; empty: not published'),
  }).prefault({}),
  publication: z.object({
    retryBase: duration('30s', 'first wait before a failed directory publication is retried; doubles on each failure'),
    retryMax: duration('1h', 'longest wait between retries of a directory publication (it is retried until it succeeds)'),
    batchSize: z.number().int().min(1).max(10000).default(200).describe('publication intents one drain of the outbox takes'),
  }).prefault({}),
  profiles: z.object({
    'smime-signing': profile('smime-signing', 'strict', 365),
    'smime-encryption': profile('smime-encryption', 'strict', 730),
    'smime-dual': profile('smime-dual', 'strict', 365),
    'device-auth': profile('device-auth', 'multipurpose', 365),
  }).prefault({}),
  expiry: z.object({
    thresholds: z.string().regex(THRESHOLDS, 'must be days, comma-separated, e.g. 30,14,7,1').default('30,14,7,1')
      .describe('days before expiry at which notices go out (each certificate gets each once)'),
    operators: z.string().default('').describe('mailboxes (comma-separated) that get the daily digest of expiring certificates'),
    actionUrl: z.url({ protocol: /^https?$/ }).optional().describe('link to act on a notice (a self-service page), put into mails'),
    graceDays: z.number().int().min(1).max(3650).default(30).describe('days after expiry during which an expired device certificate still gets a re-invitation'),
    maxAttempts: z.number().int().min(1).max(100).default(20).describe('attempts to deliver a notice or run an action before it is marked failed'),
    webhook: z.object({
      url: z.url({ protocol: /^https?$/ }).optional().describe('URL that receives each expiry notice as HMAC-signed JSON'),
      secret: z.string().min(16).optional().describe('HMAC-SHA256 key for the X-Mcms-Signature header of expiry webhooks'),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000).describe('time to wait for an expiry webhook to answer'),
    }).prefault({}),
    command: z.object({
      path: z.string().min(1).optional().describe('program run by the `command` action, with the certificate as JSON on stdin'),
      args: z.string().default('').describe('arguments of the command, space-separated'),
      timeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe('the command, and what it started, is killed after this long (and retried)'),
    }).prefault({}),
    profiles: z.object({
      'smime-signing': expiryProfile('smime-signing', 'remind-device'),
      'smime-encryption': expiryProfile('smime-encryption', 'renew-escrow'),
      'smime-dual': expiryProfile('smime-dual', 'remind-device'),
      'device-auth': expiryProfile('device-auth', 'remind-device'),
      external: expiryProfile('external (imported, foreign)', 'none'),
    }).prefault({}),
  }).prefault({}),
}).superRefine((config, ctx) => {
  if (config.certificates.validation === 'sponsor' && !config.ca.organization) {
    ctx.addIssue({ code: 'custom', path: ['ca', 'organization'], message: 'is required when certificates.validation is sponsor' });
  }
  if (config.scep.validator === 'static' && !Object.values(config.scep.static).some(Boolean)) {
    ctx.addIssue({ code: 'custom', path: ['scep', 'static', 'smime-signing'], message: 'a static validator needs a challenge for at least one profile' });
  }
  if (config.scep.validator === 'webhook') {
    if (!config.scep.webhook.url) ctx.addIssue({ code: 'custom', path: ['scep', 'webhook', 'url'], message: 'is required when scep.validator is webhook' });
    if (!config.scep.webhook.secret) ctx.addIssue({ code: 'custom', path: ['scep', 'webhook', 'secret'], message: 'is required when scep.validator is webhook' });
  }
  const { delivery } = config;
  if (delivery.mailAccount === 'imap') {
    for (const key of ['incomingHost', 'outgoingHost'] as const) {
      if (!delivery.imap[key]) ctx.addIssue({ code: 'custom', path: ['delivery', 'imap', key], message: 'is required when delivery.mailAccount is imap' });
    }
  }
  if (delivery.mailAccount === 'exchange' && !delivery.exchange.host) {
    ctx.addIssue({ code: 'custom', path: ['delivery', 'exchange', 'host'], message: 'is required when delivery.mailAccount is exchange' });
  }
  if ((parseDuration(delivery.profileChallengeTtl) ?? 0) > (parseDuration(config.scep.challengeMaxTtl) ?? 0)) {
    ctx.addIssue({ code: 'custom', path: ['delivery', 'profileChallengeTtl'], message: 'must not be longer than scep.challengeMaxTtl' });
  }
  if (delivery.ota.enabled && !delivery.ota.deviceCaFile) {
    ctx.addIssue({ code: 'custom', path: ['delivery', 'ota', 'deviceCaFile'], message: 'is required when delivery.ota.enabled is true' });
  }
  if (config.expiry.webhook.url && !config.expiry.webhook.secret) {
    ctx.addIssue({ code: 'custom', path: ['expiry', 'webhook', 'secret'], message: 'is required when expiry.webhook.url is set' });
  }
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<z.output<typeof configSchema> & { baseUrl: string; databaseUrl: string }>;
