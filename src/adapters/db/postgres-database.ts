/**
 * Opens a PostgreSQL pool for mcms (pg, at most 10 connections). int8 columns (identities, counts)
 * come back as JS numbers rather than strings; they stay far below 2^53. With a `schema`, every
 * connection starts with `search_path` set to it (a startup parameter, so no query can run before it),
 * which is how each test run, or each tenant, gets tables of its own.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.js';

const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} does not fit a JavaScript number`);
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgresDatabase(options: {
  url: string;
  schema?: string | undefined;
  log?: ((msg: string) => void) | undefined;
}): Promise<Kysely<Database>> {
  const { url, schema, log } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => log?.(`postgres pool: ${error.message}`));
  if (schema) {
    try {
      await pool.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // Two processes creating the schema at once: the loser sees a unique violation; the schema exists.
      if ((error as { code?: unknown }).code !== '23505') {
        await pool.end();
        throw error;
      }
    }
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
