/**
 * What the inbound edges (HTTP, CLI, jobs) can ask of mcms: the domain's use cases with their
 * dependencies bound. `main/` builds it from config and adapters; the edges never see an adapter.
 */
import type { Clock } from '../lib/clock.js';
import type { ApprovalKind, ApprovalRequest, ApprovalStatus, Operator, Principal } from '../domain/access/index.js';
import type { AuditVerification } from '../domain/audit/index.js';
import type { CaIdentity, IdentitySummary } from '../domain/ca/index.js';
import type { Challenge, CsrIssuance } from '../domain/enrollment/index.js';
import type { DirectoryImport, ExpiryReport, ExpiryScan, FileImport, ImportFile, OutboxItem, OutboxRun, OutboxStatus } from '../domain/expiry/index.js';
import type { EncryptionIdentity, EncryptionKeyAlgorithm, GeneratedIdentity, KraRotation, OwnDelivery, Pkcs12Variant } from '../domain/escrow/index.js';
import type { CertificateQuery, CertificateRecord } from '../domain/inventory/index.js';
import type { CertificateProfile } from '../domain/policy/index.js';
import type { Device, NewSubscriber, Subscriber } from '../domain/subscribers/index.js';
import type { Page, PageRequest } from '../domain/unit-of-work.js';
import type { BuiltProfile, EnrollmentLink, Invitation, LinkRevocation, LinkState } from '../domain/delivery/index.js';
import type { PublicationDrain } from '../domain/publication/index.js';
import type { Leaver, SyncProgress, SyncSummary } from '../domain/directory/index.js';
import type { CrlKind, CrlRefresh, Departure, DeviceLoss, OcspAnswer, PublishedCrl } from '../domain/revocation/index.js';
import type { OcspSignerRenewal } from '../domain/ca/index.js';

export interface PublicSettings {
  baseUrl: string;
  host: string;
  port: number;
  dataDir: string;
  database: 'sqlite' | 'postgres';
  bodyLimit: number;
  trustProxy: boolean;
  logLevel: string;
  /** HTTP worker processes `mcms serve` runs. */
  workers: number;
  /** Whether `mcms serve` runs the scheduled jobs (`jobs.enabled`). */
  jobsEnabled: boolean;
  /** Configuration that works but that an operator should know about; logged when the server starts. */
  warnings: string[];
}

/** A scheduled job as `mcms job list` shows it. */
export interface JobStatus {
  name: string;
  description: string;
  /** Cron expression in force (the job's default or `jobs.schedules`). */
  schedule: string;
  nextRunAt: Date | null;
  /** The node holding the job's lease now, if a run is in progress. */
  runningOn: string | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastStatus: 'ok' | 'failed' | null;
  lastSummary: string | null;
  runs: number;
}

export interface JobRun {
  name: string;
  status: 'ok' | 'failed';
  summary: string;
  startedAt: Date;
  finishedAt: Date;
}

/** What the scheduler logs to (pino's shape). */
export interface JobLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface InitResult {
  created: boolean;
  identities: IdentitySummary[];
  /** The first administrator's token; present only on the run that created it. */
  adminToken: string | null;
}

export interface Mcms {
  readonly settings: PublicSettings;
  readonly clock: Clock;
  /** The person at the console of this machine: may do everything an admin may, audited as `local:<user>`. */
  localPrincipal(): Principal;
  authenticate(token: string | undefined): Promise<Principal>;

  ca: {
    init(principal: Principal): Promise<InitResult>;
    show(principal: Principal): Promise<{ identities: IdentitySummary[]; chain: Buffer[] }>;
    /** Public: CA certificates by id, for AIA caIssuers and GetCACert. */
    identity(id: string): Promise<CaIdentity | null>;
    profiles(): CertificateProfile[];
  };
  subscribers: {
    add(principal: Principal, input: NewSubscriber): Promise<Subscriber>;
    show(principal: Principal, key: string): Promise<Subscriber>;
    list(principal: Principal, filter: { status?: Subscriber['status'] }, page: PageRequest): Promise<Page<Subscriber>>;
    /** A leaver: every certificate revoked (affiliationChanged), disabled; escrowed keys stay recoverable. */
    leave(principal: Principal, input: { subscriber: string }): Promise<Departure>;
  };
  devices: {
    add(principal: Principal, input: { subscriber: string; name: string }): Promise<Device>;
    list(principal: Principal, subscriber: string): Promise<{ subscriber: Subscriber; devices: Device[] }>;
    /** A lost device: its signing/authentication certificates revoked, challenges and links killed, a replacement invited. */
    lost(principal: Principal, input: { deviceId: string; reason?: string | undefined }): Promise<DeviceLoss>;
  };
  certificates: {
    issue(principal: Principal, input: CsrIssuance): Promise<CertificateRecord>;
    list(principal: Principal, query: CertificateQuery, page: PageRequest): Promise<Page<CertificateRecord>>;
    show(principal: Principal, serial: string): Promise<CertificateRecord>;
    /** Revokes by serial with an RFC 5280 reason (default unspecified: no reasonCode), audited. */
    revoke(principal: Principal, input: { serial: string; reason?: string | undefined }): Promise<CertificateRecord>;
  };
  operators: {
    add(principal: Principal, input: { name: string; role: string }): Promise<{ operator: Operator; token: string }>;
    list(principal: Principal): Promise<Operator[]>;
    disable(principal: Principal, name: string): Promise<Operator>;
    rotateToken(principal: Principal, name: string): Promise<{ operator: Operator; token: string }>;
  };
  audit: {
    verify(principal: Principal): Promise<AuditVerification>;
  };
  challenges: {
    /** A one-time SCEP challenge; the secret is returned once and stored only hashed. */
    create(principal: Principal, input: { subscriber: string; deviceId?: string | undefined; profile?: string | undefined; ttlMs?: number | undefined }): Promise<{ challenge: Challenge; secret: string }>;
    list(principal: Principal, subscriber: string): Promise<Challenge[]>;
  };
  /** The SCEP endpoint's work (RFC 8894); the edge handles HTTP, this answers. */
  scep: {
    /** Profiles a device may enroll for over SCEP (`/scep/<profile>`), the first being the default. */
    profiles(): readonly string[];
    capabilities(): Promise<string>;
    /** RA and CA certificates as a degenerate SignedData (`application/x-x509-ca-ra-cert`). */
    caCertificates(): Promise<Buffer>;
    /** A DER CertRep for a DER pkiMessage; DomainError('scep.bad-message') if the message cannot be read at all. */
    pkiOperation(profile: string, message: Buffer): Promise<Buffer>;
  };
  approvals: {
    list(principal: Principal, filter: { status?: ApprovalStatus; kind?: ApprovalKind }, page: PageRequest): Promise<Page<ApprovalRequest>>;
    show(principal: Principal, id: string): Promise<ApprovalRequest>;
    /** Casts a vote; when it decides the request, the waiting work is completed (or closed). */
    vote(principal: Principal, input: { id: string; decision: 'approve' | 'reject'; comment?: string | undefined }): Promise<ApprovalRequest>;
  };
  /** Central generation, escrow and recovery of S/MIME encryption keys. */
  escrow: {
    /** A new current encryption identity (key from the pool, smime-encryption certificate, key archived). */
    generate(principal: Principal, input: { subscriber: string; algorithm?: EncryptionKeyAlgorithm | undefined }): Promise<GeneratedIdentity>;
    history(principal: Principal, subscriber: string): Promise<{ subscriber: Subscriber; identities: EncryptionIdentity[] }>;
    /** The person's own current and past identities as one PKCS#12; the password is returned once. */
    deliver(principal: Principal, subscriber: string, options: { variant?: Pkcs12Variant | undefined }): Promise<OwnDelivery>;
    /** Opens a dual-control 'key-recovery' approval request. */
    recover(principal: Principal, input: { subscriber: string; serial?: string | undefined; reason?: string | undefined }): Promise<ApprovalRequest>;
    /** Releases an approved recovery once, to its requester. */
    export(principal: Principal, input: { approvalId: string; variant?: Pkcs12Variant | undefined }): Promise<OwnDelivery & { subscriber: string }>;
    recertify(principal: Principal, input: { serial: string }): Promise<GeneratedIdentity>;
    markCompromised(principal: Principal, input: { serial: string }): Promise<void>;
    rotateKra(principal: Principal, options: { batchSize?: number | undefined; limit?: number | undefined }): Promise<KraRotation>;
    /** Fills the key pool (the server does this at start); resolves when it is full. */
    warmPool(): Promise<void>;
  };
  /** Scheduled work (entrypoints/jobs): CRL refresh, directory sync, outbox drains, expiry scans. */
  jobs: {
    list(principal: Principal): Promise<JobStatus[]>;
    /** Runs a job now under its lease (DomainError 'job.busy' while another run holds it). */
    run(principal: Principal, name: string): Promise<JobRun>;
    /** Starts the schedules in this process (`mcms serve`); resolves the returned stop when runs end. */
    startSchedules(logger: JobLogger): { stop(): Promise<void> };
  };
  /** Device delivery: signed (and encrypted) configuration profiles, enrollment links, re-delivery. */
  delivery: {
    /** The person's S/MIME profile for one device (a device is registered when none is named). */
    buildProfile(principal: Principal, input: { subscriber: string; deviceId?: string | undefined }): Promise<BuiltProfile>;
    /** A single-use enrollment link, mailed to the person when mail is configured; the URL is returned once. */
    invite(principal: Principal, input: { subscriber: string; deviceId?: string | undefined }): Promise<Invitation>;
    links(principal: Principal, subscriber: string): Promise<EnrollmentLink[]>;
    revokeLinks(principal: Principal, input: { subscriber: string; deviceId?: string | undefined }): Promise<LinkRevocation>;
    /** A new link for each of the person's active devices (one for a new device if none), mailed. */
    redeliver(principal: Principal, subscriber: string): Promise<Invitation[]>;
    /** Public: what the enrollment page shows for a token (never throws for a bad token). */
    openLink(token: string): Promise<LinkState>;
    /** Public: uses the link once and returns the profile it delivers. */
    downloadProfile(token: string): Promise<BuiltProfile>;
    /** Over-the-air enrollment (Apple Profile Service), when `delivery.ota.enabled`. */
    ota: {
      /** Public: uses the link once; the signed Profile Service profile (phase 1 starts). */
      start(token: string): Promise<Buffer>;
      /** Public: a device's signed post (phase 1 or 3); the signed profile to answer with. */
      request(body: Buffer): Promise<Buffer>;
    };
  };
  /** Expiry monitoring: the scan, the notification outbox, certificates from other CAs, the outlook. */
  expiry: {
    /** Records the notices and actions due (once each per certificate, ever) and queues them. */
    scan(principal: Principal, options: { now?: Date | undefined; full?: boolean | undefined }): Promise<ExpiryScan>;
    /** Sends what the outbox holds that is due (mails, webhook calls, actions), with retries. */
    deliver(principal: Principal, options: { now?: Date | undefined; signal?: AbortSignal | undefined }): Promise<OutboxRun>;
    report(principal: Principal, options: { now?: Date | undefined; days?: number | undefined }): Promise<ExpiryReport>;
    outbox(principal: Principal, filter: { status?: OutboxStatus | undefined; limit?: number | undefined }): Promise<OutboxItem[]>;
    /**
     * `mcms inventory import`: foreign certificates watched for expiry; a bad file is refused alone.
     * `source` says where they came from (`directory` for a directory's userCertificate values).
     */
    importCertificates(principal: Principal, files: ImportFile[], options?: { source?: 'file' | 'directory' | undefined }): Promise<FileImport[]>;
    /**
     * `mcms inventory import --from-directory`: the certificate values on the directory's people entries,
     * except those mcms issued or published; a value that is not a certificate is reported with its DN.
     */
    importFromDirectory(principal: Principal): Promise<DirectoryImport>;
  };
  /** CRLs per CA (RFC 5280 §5): complete and delta, published at /crl/<ca>.crl and /crl/<ca>-delta.crl, and shards. */
  crl: {
    /** Signs new CRLs for every CA now (only deltas with `deltaOnly`). */
    generate(principal: Principal, options: { deltaOnly?: boolean | undefined }): Promise<PublishedCrl[]>;
    /** The `crl-refresh` job: re-signs what is due or changed. */
    refresh(): Promise<CrlRefresh[]>;
    /** Public: the current CRL of a CA (published on first request); DomainError('revocation.unknown-ca'). */
    current(issuerId: string, kind: CrlKind): Promise<PublishedCrl>;
    /** Public: shard `shard` of a CA's complete CRL (crl.shards > 1), at /crl/<ca>-s<k>.crl; DomainError('revocation.unknown-ca'). */
    shard(issuerId: string, shard: number): Promise<PublishedCrl>;
    /** Public: the published CRL numbers, a cheap "has it changed?" for caches. */
    numbers(issuerId: string): Promise<{ full: number | null; delta: number | null } | null>;
  };
  /** The OCSP responder (RFC 6960, RFC 5019/9919) for every CA we run. */
  ocsp: {
    /** Public: an OCSPResponse (DER) for a DER OCSPRequest; garbage gets malformedRequest, never an error. */
    respond(request: Buffer): Promise<OcspAnswer>;
    /** Public: the cached answer to a repeated nonce-less request, synchronously, if `respond` would give it without signing; else undefined. */
    cachedAnswer(request: Buffer): OcspAnswer | undefined;
    /**
     * Issues a new delegated responder certificate when the current one has less than a quarter of
     * `ca.ocspSignerValidityDays` (at most 30 days) left, or now with `force`; the `ocsp-signer-renewal`
     * job runs it as the system (null principal).
     */
    renewSigner(principal: Principal | null, options: { force?: boolean | undefined }): Promise<OcspSignerRenewal>;
  };
  health(): Promise<{ ok: boolean; database: boolean; ca: boolean }>;
  close(): Promise<void>;
  /** Directory integration (LDAP / AD, smime-mobile-notes §8): certificates out to the directory. */
  directory: {
    /** Drains the publication outbox now (the `publication-outbox` job's work). */
    publish(principal: Principal, options?: { signal?: AbortSignal | undefined }): Promise<PublicationDrain>;
    /** Whether a directory is configured (`ldap.url`). */
    readonly configured: boolean;
    /** People in from the directory; `dryRun` reports what would change and changes nothing. */
    sync(principal: Principal, options: { dryRun: boolean; onProgress?: ((progress: SyncProgress) => void) | undefined; signal?: AbortSignal | undefined }): Promise<SyncSummary>;
    leavers(principal: Principal): Promise<Leaver[]>;
    /** Runs the leaver action for each (they must be leavers the sync found). */
    confirmLeavers(principal: Principal, emails: readonly string[]): Promise<Leaver[]>;
    /** The mailbox's current encryption certificate (what the directory publishes), with the CA chain. */
    lookup(principal: Principal, email: string): Promise<{ certificate: CertificateRecord; chain: Buffer[] }>;
  };
}

/** Opens mcms for an edge; `init` creates the data directory and master key when missing. */
export type OpenMcms = (options: { init: boolean }) => Promise<Mcms>;
