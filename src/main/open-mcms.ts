/**
 * The composition root: config → adapters → domain services → the `Mcms` facade the edges use.
 * Nothing else in mcms constructs adapters.
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import { openStore } from '../adapters/db/open-store.js';
import type { Store } from '../adapters/db/store.js';
import { loadMasterKey } from '../adapters/keys/master-key.js';
import { SoftwareKeyStore } from '../adapters/keys/software-key-store.js';
import type { Principal } from '../domain/access/index.js';
import * as access from '../domain/access/index.js';
import { verifyAuditChain } from '../domain/audit/index.js';
import * as ca from '../domain/ca/index.js';
import { activeKraKey } from '../domain/escrow/index.js';
import { issueFromCsr } from '../domain/enrollment/index.js';
import * as inventory from '../domain/inventory/index.js';
import * as subscribers from '../domain/subscribers/index.js';
import { JOBS } from '../entrypoints/jobs/index.js';
import type { Mcms, InitResult } from '../entrypoints/services.js';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { enrollmentServices } from './enrollment-services.js';
import { encryptionKeyPool, escrowDeps, escrowServices } from './escrow-services.js';
import type { LinkRepositories } from './delivery-services.js';
import { deliveryServices } from './delivery-services.js';
import { directoryRevocationHook, directoryServices } from './directory-services.js';
import { expiryServices } from './expiry-services.js';
import { JobScheduler, jobSchedules } from './scheduler.js';
import { revocationServices } from './revocation-services.js';
import { createWiring } from './wiring.js';

export interface OpenOptions {
  init: boolean;
  clock?: Clock;
}

export async function openMcms(config: Config, options: OpenOptions): Promise<Mcms> {
  if (options.init) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = loadMasterKey({ dataDir: config.dataDir, fromEnv: config.masterKey, create: options.init });
  const store = await openStore(databaseLocation(config.databaseUrl));
  const keys = new SoftwareKeyStore({ masterKey, blobs: store.keyBlobs });
  return bindServices(config, store, keys, options.clock ?? systemClock);
}

/** Settings that are allowed but weaken a guarantee, said once at start. */
export function configurationWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.scep.validator === 'static') {
    const profiles = Object.entries(config.scep.static).filter(([, secret]) => secret).map(([profile]) => profile);
    warnings.push(`SCEP uses a static challenge for ${profiles.join(', ')}: anyone who knows it can enroll for any known mailbox (labs only)`);
  }
  if (!config.baseUrl.startsWith('https:') && config.host !== '127.0.0.1' && config.host !== '::1' && config.host !== 'localhost') {
    warnings.push(`serving ${config.host} without TLS: put mcms behind a TLS proxy for API tokens and enrollment pages`);
  }
  return warnings;
}

/** `postgres://…/db?schema=name` keeps mcms's tables in their own PostgreSQL schema. */
export function databaseLocation(url: string): { url: string; schema?: string } {
  if (!/^postgres(ql)?:/.test(url)) return { url };
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (!schema) return { url };
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigError('invalid configuration: databaseUrl (MCMS_DATABASE_URL): schema must be a lower-case SQL identifier');
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

function bindServices(config: Config, store: Store, keys: SoftwareKeyStore, clock: Clock): Mcms {
  const wiring = createWiring(config, store, keys, clock);
  const { uow, profiles, subjectSettings, issuingAuthority } = wiring;
  const keyPool = encryptionKeyPool(config);
  const local: Principal = { actor: { kind: 'local', id: userInfo().username, name: userInfo().username }, role: 'admin', operatorId: null };
  const delivered = deliveryServices(wiring, escrowDeps(wiring, keyPool), escrowServices(wiring, keyPool).escrow);
  // Revocation's seams: a lost device or a leaver closes open enrollment links in the same transaction
  // (the transaction is the store's whole repository set), asks for the directory entry to be
  // reconciled, and a lost device's owner is invited to enroll a replacement after the commit.
  const revocation = revocationServices(wiring, {
    enrollmentLinks: (tx, target) => delivered.seams.revokeLinksInTransaction(tx as unknown as LinkRepositories, target),
    directory: directoryRevocationHook,
    // Without mail there is nobody to tell: the device-loss report says no replacement invitation went out.
    ...(config.mail.host ? { inviteReplacement: delivered.seams.inviteReplacement } : {}),
  });
  // A leaver found by the directory sync leaves as `mcms subscriber leave` does: everything revoked, disabled.
  const directory = directoryServices(wiring, {
    leave: async (principal, subscriber) => { await revocation.subscriberLeave(principal, { subscriber: subscriber.id }); },
  });
  const scheduler = new JobScheduler(JOBS, jobSchedules(JOBS, config.jobs.schedules), store.jobLeases, clock, () => mcms);

  const mcms: Mcms = {
    settings: {
      baseUrl: config.baseUrl, host: config.host, port: config.port, dataDir: config.dataDir, database: store.dialect,
      bodyLimit: config.bodyLimit, trustProxy: config.trustProxy, logLevel: config.logLevel, workers: config.workers,
      jobsEnabled: config.jobs.enabled, warnings: configurationWarnings(config),
    },
    clock,
    localPrincipal: () => local,
    authenticate: (token) => access.authenticate({ uow }, token),
    ca: {
      init: async (principal) => initialize(principal),
      show: (principal) => ca.describeHierarchy({ identities: store.read.identities }, principal),
      identity: (id) => store.read.identities.findById(id),
      profiles: () => profiles.all(),
    },
    subscribers: {
      add: (principal, input) => subscribers.addSubscriber({ uow, clock }, principal, input),
      show: (principal, key) => subscribers.showSubscriber({ uow }, principal, key),
      list: (principal, filter, page) => subscribers.listSubscribers({ uow }, principal, filter, page),
      leave: revocation.subscriberLeave,
    },
    devices: {
      add: (principal, input) => subscribers.addDevice({ uow, clock }, principal, input),
      list: (principal, key) => subscribers.listDevices({ uow }, principal, key),
      lost: revocation.deviceLost,
    },
    certificates: {
      issue: async (principal, input) =>
        issueFromCsr({ uow, ca: await issuingAuthority(), profiles, subject: subjectSettings, clock }, principal, input),
      list: (principal, query, page) => inventory.listCertificates({ uow, clock }, principal, query, page),
      show: (principal, serial) => inventory.showCertificate({ uow, clock }, principal, serial),
      revoke: revocation.revoke,
    },
    operators: {
      add: (principal, input) => access.addOperator({ uow, clock }, principal, input),
      list: (principal) => access.listOperators({ uow }, principal),
      disable: (principal, name) => access.disableOperator({ uow, clock }, principal, name),
      rotateToken: (principal, name) => access.rotateOperatorToken({ uow, clock }, principal, name),
    },
    audit: {
      verify: async (principal) => {
        access.requirePermission(principal, 'audit.read');
        return verifyAuditChain(store.read.audit);
      },
    },
    ...enrollmentServices(wiring),
    directory: directory.directory,
    ...expiryServices(wiring, () => mcms, { redeliver: delivered.seams.redeliver, reinvite: delivered.seams.reinvite }, directory.certificates),
    escrow: delivered.escrow,
    delivery: delivered.delivery,
    jobs: {
      list: async (principal) => {
        access.requirePermission(principal, 'ca.read');
        return scheduler.status();
      },
      run: async (principal, name) => {
        access.requirePermission(principal, 'operations.run');
        return scheduler.runNow(name);
      },
      startSchedules: (logger) => {
        scheduler.start(logger);
        return { stop: () => scheduler.stop() };
      },
    },
    crl: revocation.crl,
    ocsp: revocation.ocsp,
    health: async () => {
      const database = await store.read.identities.list().then(() => true, () => false);
      const caReady = database && (await issuingAuthority().then(() => true, () => false));
      return { ok: database && caReady, database, ca: caReady };
    },
    close: async () => {
      await scheduler.stop();
      keyPool.close();
      await wiring.mailer.close();
      await directory.close();
      await store.close();
    },
  };
  return mcms;

  async function initialize(principal: Principal): Promise<InitResult> {
    access.requirePermission(principal, 'operators.write');
    const result = await ca.initializeHierarchy({ uow, keys, clock }, principal.actor, {
      keyAlgorithm: config.ca.keyAlgorithm,
      rootName: config.ca.rootName,
      issuingName: config.ca.issuingName,
      organization: config.ca.organization,
      country: config.ca.country,
      rootValidityDays: config.ca.rootValidityDays,
      issuingValidityDays: config.ca.issuingValidityDays,
      serviceValidityDays: config.ca.serviceValidityDays,
      ocspSignerValidityDays: config.ca.ocspSignerValidityDays,
      baseUrl: config.baseUrl,
    });
    // The escrow (KRA) key too, so that the first archived key does not wait for an RSA-3072 key pair.
    await activeKraKey({ uow, keys, clock }, principal.actor);
    let adminToken: string | null = null;
    if ((await store.read.operators.countActiveByRole('admin')) === 0) {
      adminToken = (await access.createOperator({ uow, clock }, principal, { name: 'admin', role: 'admin' })).token;
    }
    return { created: result.created, identities: result.identities.map(ca.summariseIdentity), adminToken };
  }
}
