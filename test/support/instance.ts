/**
 * A real mcms for a test: its own data directory, and either SQLite or its own PostgreSQL schema
 * (from MCMS_TEST_DATABASE_URL), initialised, with the admin token at hand.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import type { Mcms } from '../../src/entrypoints/services.js';
import type { Clock } from '../../src/lib/clock.js';
import { openMcms } from '../../src/main/open-mcms.js';
import { tempDir } from './openssl.js';

export type Dialect = 'sqlite' | 'postgres';

export const postgresUrl = process.env.MCMS_TEST_DATABASE_URL;

/** The dialects to run a suite on, with the reason PostgreSQL is skipped when it is. */
export const dialects: { dialect: Dialect; skip: string | false }[] = [
  { dialect: 'sqlite', skip: false },
  { dialect: 'postgres', skip: postgresUrl ? false : 'MCMS_TEST_DATABASE_URL is not set' },
];

export interface TestInstance {
  mcms: Mcms;
  dataDir: string;
  adminToken: string;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function startInstance(dialect: Dialect, extraEnv: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestInstance> {
  const dir = tempDir();
  const env: Record<string, string> = { MCMS_DATA_DIR: dir.path, MCMS_LOG_LEVEL: 'silent', ...extraEnv };
  let dropSchema = async () => {};
  if (dialect === 'postgres') {
    if (!postgresUrl) throw new Error('MCMS_TEST_DATABASE_URL is not set');
    const schema = `mcms_test_${randomBytes(6).toString('hex')}`;
    env.MCMS_DATABASE_URL = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
    dropSchema = async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    };
  }
  const mcms = await openMcms(loadConfig({ env, cwd: dir.path }), { init: true, ...(options.clock ? { clock: options.clock } : {}) });
  const init = await mcms.ca.init(mcms.localPrincipal());
  return {
    mcms, dataDir: dir.path, adminToken: init.adminToken!, env,
    dispose: async () => {
      await mcms.close();
      await dropSchema();
      dir.remove();
    },
  };
}
