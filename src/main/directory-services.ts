/**
 * Binds directory integration (LDAP / AD): the LDAP connection and publisher (adapters/ldap) when
 * `ldap.url` is set, and the publication use cases over the store. Without a directory, intents are
 * closed with a note and nothing is published.
 */
import { readFileSync } from 'node:fs';
import { LdapCertificateReader } from '../adapters/ldap/ldap-certificate-reader.js';
import { LdapConnection, checkedFilter } from '../adapters/ldap/ldap-connection.js';
import { ConfigError } from '../config/index.js';
import { LdapPeopleSource } from '../adapters/ldap/ldap-people-source.js';
import { LdapPublisher } from '../adapters/ldap/ldap-publisher.js';
import { certificationPath } from '../domain/ca/index.js';
import type { DirectoryDeps } from '../domain/directory/index.js';
import * as directory from '../domain/directory/index.js';
import type { DirectoryCertificates } from '../domain/expiry/index.js';
import * as publication from '../domain/publication/index.js';
import type { Mcms } from '../entrypoints/services.js';
import { parseDuration } from '../lib/duration.js';
import type { Wiring } from './wiring.js';

export interface DirectoryServices extends Pick<Mcms, 'directory'> {
  /** The certificate values on people's entries, for expiry's import; null without a directory. */
  certificates: DirectoryCertificates | null;
  close(): Promise<void>;
}

export interface DirectoryOptions {
  /**
   * The leaver action. Default: `disableLeaver` (disable, unpublish, audit). When revocation's
   * `subscribers.leave` (revoke everything, then disable) is wired, pass it here.
   */
  leave?: DirectoryDeps['leave'] | undefined;
}

/**
 * For revocation's `hooks.directory`: a revocation asks, inside its transaction, for the person's entry
 * to be reconciled (the revoked certificate comes off). `tx` is the store's whole repository set.
 */
export async function directoryRevocationHook(tx: object, subscriberId: string, at: Date): Promise<void> {
  if (!('publicationOutbox' in tx)) throw new Error('the revocation transaction has no publication outbox');
  await publication.requestDirectoryReconciliation(tx as { publicationOutbox: publication.PublicationOutboxRepository }, subscriberId, at, 'revoked');
}

export function directoryServices(wiring: Wiring, options: DirectoryOptions = {}): DirectoryServices {
  const { config, store } = wiring;
  const ldap = { ...config.ldap, filter: ldapFilter(config.ldap.filter) };
  const connection = ldap.url
    ? new LdapConnection({
      url: ldap.url, bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, timeoutMs: parseDuration(ldap.timeout)!,
      tlsCa: ldap.tlsCaFile ? readTlsCa(ldap.tlsCaFile) : undefined,
    })
    : null;
  const publisher = connection
    ? new LdapPublisher(connection, { baseDn: ldap.baseDn, filter: ldap.filter, mailAttribute: ldap.mailAttribute, proxyAddressesAttribute: ldap.proxyAddressesAttribute })
    : null;
  const publicationDeps: publication.PublicationDeps = {
    uow: wiring.uow,
    directory: publisher,
    currentEncryptionSerial: async (subscriberId) => (await store.read.escrow.findCurrent(subscriberId))?.certificateSerial ?? null,
    chain: async () => {
      const identities = await store.read.identities.list();
      const issuing = identities.find((i) => i.role === 'issuing-ca' && i.active);
      return issuing ? certificationPath(identities, issuing) : [];
    },
    clock: wiring.clock,
    settings: {
      certificateAttribute: ldap.certificateAttribute, smimeAttribute: ldap.smimeAttribute,
      retryBaseMs: parseDuration(config.publication.retryBase)!, retryMaxMs: parseDuration(config.publication.retryMax)!,
      batchSize: config.publication.batchSize,
    },
  };
  const mapping: directory.AttributeMapping = {
    mail: ldap.mailAttribute, proxyAddresses: ldap.proxyAddressesAttribute, name: ldap.nameAttribute,
    login: ldap.loginAttribute, department: ldap.departmentAttribute, disabled: ldap.disabledAttribute,
  };
  const directoryDeps: directory.DirectoryDeps = {
    uow: wiring.uow,
    source: connection ? new LdapPeopleSource(connection, { baseDn: ldap.baseDn, filter: ldap.filter, pageSize: ldap.pageSize, mapping }) : null,
    clock: wiring.clock,
    mapping,
    leaverMode: ldap.leavers,
    // SEAM: the leaver action. Until revocation's `subscribers.leave` (revoke everything, then disable)
    // is passed in `options.leave`, a leaver is only disabled (and unpublished).
    leave: options.leave ?? ((principal, subscriber, reason) => directory.disableLeaver(wiring, principal, subscriber, reason)),
  };
  return {
    directory: {
      publish: (principal, options = {}) => publication.drainPublicationOutbox(publicationDeps, principal, options),
      configured: connection !== null,
      sync: (principal, options) => directory.syncDirectory(directoryDeps, principal, options),
      leavers: (principal) => directory.listLeavers(directoryDeps, principal),
      confirmLeavers: (principal, emails) => directory.confirmLeavers(directoryDeps, principal, emails),
      lookup: (principal, email) => publication.lookupEncryptionCertificate(publicationDeps, principal, email),
    },
    certificates: connection
      ? new LdapCertificateReader(connection, { baseDn: ldap.baseDn, filter: ldap.filter, pageSize: ldap.pageSize, certificateAttribute: ldap.certificateAttribute })
      : null,
    close: async () => { await connection?.close(); },
  };
}

function readTlsCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ldap.tlsCaFile (MCMS_LDAP_TLS_CA_FILE): cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function ldapFilter(filter: string): string {
  try {
    return checkedFilter(filter);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ldap.filter (MCMS_LDAP_FILTER): not an RFC 4515 filter (${(error as Error).message.slice(0, 80)})`);
  }
}
