/**
 * The migrations of each dialect, listed in code (no directory scan, so it runs the same under tsx,
 * from a bundle or an installed package). Names sort in the order they apply.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../schema.js';
import { initial as postgresInitial } from './postgres/0001-initial.js';
import { enrollment as postgresEnrollment } from './postgres/0002-enrollment.js';
import { escrow as postgresEscrow } from './postgres/0003-escrow.js';
import { jobs as postgresJobs } from './postgres/0004-jobs.js';
import { delivery as postgresDelivery } from './postgres/0005-delivery.js';
import { revocation as postgresRevocation } from './postgres/0006-revocation.js';
import { directory as postgresDirectory } from './postgres/0007-directory.js';
import { expiry as postgresExpiry } from './postgres/0008-expiry.js';
import { initial as sqliteInitial } from './sqlite/0001-initial.js';
import { enrollment as sqliteEnrollment } from './sqlite/0002-enrollment.js';
import { escrow as sqliteEscrow } from './sqlite/0003-escrow.js';
import { jobs as sqliteJobs } from './sqlite/0004-jobs.js';
import { delivery as sqliteDelivery } from './sqlite/0005-delivery.js';
import { revocation as sqliteRevocation } from './sqlite/0006-revocation.js';
import { directory as sqliteDirectory } from './sqlite/0007-directory.js';
import { expiry as sqliteExpiry } from './sqlite/0008-expiry.js';
import { expiryScans as postgresExpiryScans } from './postgres/0008-expiry-scans.js';
import { expiryScans as sqliteExpiryScans } from './sqlite/0008-expiry-scans.js';
import { inventoryIndexes as postgresInventoryIndexes } from './postgres/0009-inventory-indexes.js';
import { inventoryIndexes as sqliteInventoryIndexes } from './sqlite/0009-inventory-indexes.js';
import { crlShards as postgresCrlShards } from './postgres/0010-crl-shards.js';
import { crlShards as sqliteCrlShards } from './sqlite/0010-crl-shards.js';

const MIGRATIONS: Record<Dialect, Record<string, Migration>> = {
  sqlite: {
    '0001-initial': sqliteInitial,
    '0002-enrollment': sqliteEnrollment,
    '0003-escrow': sqliteEscrow,
    '0004-jobs': sqliteJobs,
    '0005-delivery': sqliteDelivery,
    '0006-revocation': sqliteRevocation,
    '0007-directory': sqliteDirectory,
    '0008-expiry': sqliteExpiry,
    '0008-expiry-scans': sqliteExpiryScans,
    '0009-inventory-indexes': sqliteInventoryIndexes,
    '0010-crl-shards': sqliteCrlShards,
  },
  postgres: {
    '0001-initial': postgresInitial,
    '0002-enrollment': postgresEnrollment,
    '0003-escrow': postgresEscrow,
    '0004-jobs': postgresJobs,
    '0005-delivery': postgresDelivery,
    '0006-revocation': postgresRevocation,
    '0007-directory': postgresDirectory,
    '0008-expiry': postgresExpiry,
    '0008-expiry-scans': postgresExpiryScans,
    '0009-inventory-indexes': postgresInventoryIndexes,
    '0010-crl-shards': postgresCrlShards,
  },
};


export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => MIGRATIONS[dialect] };
}
