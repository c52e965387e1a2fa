/**
 * Binds directory integration (LDAP / AD): the LDAP connection and publisher (adapters/ldap) when
 * `ldap.url` is set, and the publication use cases over the store. Without a directory, intents are
 * closed with a note and nothing is published.
 */
import { LdapConnection } from '../adapters/ldap/ldap-connection.js';
import { LdapPublisher } from '../adapters/ldap/ldap-publisher.js';
import { certificationPath } from '../domain/ca/index.js';
import * as publication from '../domain/publication/index.js';
import type { Mcms } from '../entrypoints/services.js';
import { parseDuration } from '../lib/duration.js';
import type { Wiring } from './wiring.js';

export interface DirectoryServices extends Pick<Mcms, 'directory'> {
  close(): Promise<void>;
}

export function directoryServices(wiring: Wiring): DirectoryServices {
  const { config, store } = wiring;
  const ldap = config.ldap;
  const connection = ldap.url
    ? new LdapConnection({ url: ldap.url, bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, timeoutMs: parseDuration(ldap.timeout)! })
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
  return {
    directory: {
      publish: (principal, options = {}) => publication.drainPublicationOutbox(publicationDeps, principal, options),
    },
    close: async () => { await connection?.close(); },
  };
}
