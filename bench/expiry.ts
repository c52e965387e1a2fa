/**
 * Expiry monitoring at scale: the scan over `--count` certificates (default 1,000,000, inserted in
 * SQL) on SQLite and, when MCMS_TEST_DATABASE_URL is set, PostgreSQL: the first scan (every threshold
 * window filling at once, ~8 % of the inventory) and a daily scan (the certificates that crossed a
 * threshold in one day, looking only at what entered a window) and the weekly full rescan, against the
 * 2 s target; and the notice throughput of the outbox drain to a local smtp-server beside nodemailer
 * sending the same mails straight (same pool, same concurrency).
 *
 * Options: --count N (default 1000000), --people P (default count/4), --mails M (default 500).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { openPostgresDatabase } from '../src/adapters/db/postgres-database.js';
import { openSqliteDatabase } from '../src/adapters/db/sqlite-database.js';
import { loadConfig } from '../src/config/index.js';
import type { Mcms } from '../src/entrypoints/services.js';
import { FixedClock } from '../src/lib/clock.js';
import { openMcms } from '../src/main/open-mcms.js';
import { tempDir } from '../test/support/openssl.js';
import { seedExpiryInventory } from '../test/support/expiry-seed.js';

const DAY = 86_400_000;
const T0 = new Date('2027-01-01T06:00:00Z');

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, seconds(start)];
}

interface Instance { mcms: Mcms; clock: FixedClock; raw: () => Promise<Kysely<unknown>>; dispose(): Promise<void> }

async function instance(dialect: 'sqlite' | 'postgres', extraEnv: Record<string, string> = {}): Promise<Instance> {
  const dir = tempDir('mcms-bench-expiry-');
  const env: Record<string, string> = {
    MCMS_DATA_DIR: dir.file('data'), MCMS_LOG_LEVEL: 'silent', MCMS_ESCROW_POOL_SIZE: '0',
    MCMS_CA_SERVICE_VALIDITY_DAYS: '1000', MCMS_CA_OCSP_SIGNER_VALIDITY_DAYS: '1000', ...extraEnv,
  };
  const schema = `mcms_bench_${randomBytes(5).toString('hex')}`;
  const url = process.env.MCMS_TEST_DATABASE_URL ?? '';
  if (dialect === 'postgres') env.MCMS_DATABASE_URL = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  const clock = new FixedClock(new Date(T0.getTime() - 400 * DAY));
  const mcms = await openMcms(loadConfig({ env, cwd: dir.path }), { init: true, clock });
  await mcms.ca.init(mcms.localPrincipal());
  clock.advance(400 * DAY);
  return {
    mcms, clock,
    raw: async () => (dialect === 'postgres'
      ? await openPostgresDatabase({ url, schema })
      : openSqliteDatabase(dir.file('data/mcms.db'))) as unknown as Kysely<unknown>,
    dispose: async () => {
      await mcms.close();
      if (dialect === 'postgres') {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      dir.remove();
    },
  };
}

async function scanFigures(dialect: 'sqlite' | 'postgres', count: number, people: number): Promise<string> {
  const it = await instance(dialect);
  try {
    const db = await it.raw();
    const [, seedS] = await timed(() => seedExpiryInventory(db, dialect, { count, people, from: T0 }));
    await db.destroy();
    const admin = it.mcms.localPrincipal();
    const [first, firstS] = await timed(() => it.mcms.expiry.scan(admin, {}));
    const daily: number[] = [];
    let dailyNotices = 0;
    for (let d = 1; d <= 3; d += 1) {
      it.clock.advance(DAY);
      const [scan, s] = await timed(() => it.mcms.expiry.scan(admin, {}));
      daily.push(s);
      dailyNotices = scan.notices;
    }
    it.clock.advance(DAY);
    const [, rescanS] = await timed(() => it.mcms.expiry.scan(admin, { full: true }));
    const [, reportS] = await timed(() => it.mcms.expiry.report(admin, {}));
    const dailyS = daily.reduce((a, b) => a + b, 0) / daily.length;
    return `${dialect}: first scan ${firstS.toFixed(2)} s (${first.notices} notices, ${first.queued} queued), ` +
      `daily scan ${dailyS.toFixed(2)} s (~${dailyNotices} notices), weekly full rescan ${rescanS.toFixed(2)} s, 90-day report ${reportS.toFixed(2)} s; ` +
      `target 2 s: first ${(firstS / 2).toFixed(2)}x, daily ${(dailyS / 2).toFixed(2)}x, rescan ${(rescanS / 2).toFixed(2)}x of target (seeded in ${seedS.toFixed(0)} s)`;
  } finally {
    await it.dispose();
  }
}

async function mailFigures(mails: number): Promise<string> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) { stream.on('data', () => undefined); stream.on('end', () => { received += 1; callback(); }); },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  const it = await instance('sqlite', { MCMS_MAIL_HOST: '127.0.0.1', MCMS_MAIL_PORT: String(port) });
  try {
    const db = await it.raw();
    await sql`with recursive g(n) as (select 0 union all select n + 1 from g where n + 1 < ${sql.lit(mails)})
      insert into mailboxes (address, subscriber_id, is_primary, position) select 'bench-' || n || '@example.test', 'bench-' || n, 1, 0 from g`
      .execute(await seedPeople(db, mails));
    await db.destroy();
    const admin = it.mcms.localPrincipal();
    const scan = await it.mcms.expiry.scan(admin, {});
    const [run, mcmsS] = await timed(() => it.mcms.expiry.deliver(admin, {}));
    const mcmsRate = run.sent / mcmsS;
    const before = received;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
    const queue = Array.from({ length: mails }, (_, i) => i);
    const [, peerS] = await timed(() => Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        await transport.sendMail({ from: 'mcms <mcms@localhost>', to: `bench-${i}@example.test`, subject: 'Your certificate expires', text: 'notice', html: '<p>notice</p>' });
      }
    })));
    transport.close();
    const peerRate = (received - before) / peerS;
    return `mail: outbox drain ${mcmsRate.toFixed(0)} notices/s (${run.sent} of ${scan.queued} queued, render + send + mark sent), ` +
      `nodemailer straight ${peerRate.toFixed(0)}/s (same pool of 4); ratio ${(mcmsRate / peerRate).toFixed(2)}x`;
  } finally {
    await it.dispose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** People with one certificate each, all 10 days from the end, of a profile with no action: one mail each. */
async function seedPeople(db: Kysely<unknown>, n: number): Promise<Kysely<unknown>> {
  await seedExpiryInventory(db, 'sqlite', { count: n, people: n, from: T0 });
  const notAfter = new Date(T0.getTime() + 10 * DAY).toISOString();
  await sql`update certificates set profile = 'bench', not_after = ${notAfter} where issuer_id = 'bench'`.execute(db);
  return db;
}

export async function run(args: string[]): Promise<void> {
  const count = Number(option(args, 'count', '1000000'));
  // About four certificates a person; a count of people not divisible by 3 gives each of them a mix of
  // the three profiles (and one replaced certificate), not four of the same.
  const quarter = Math.max(1, Math.floor(count / 4));
  const people = Number(option(args, 'people', String(quarter % 3 === 0 ? quarter + 1 : quarter)));
  const mails = Number(option(args, 'mails', '500'));
  const lines = [`expiry over ${count.toLocaleString('en')} certificates, ${people.toLocaleString('en')} people`];
  lines.push(await scanFigures('sqlite', count, people));
  if (process.env.MCMS_TEST_DATABASE_URL) lines.push(await scanFigures('postgres', count, people));
  else lines.push('postgres: skipped (set MCMS_TEST_DATABASE_URL)');
  lines.push(await mailFigures(mails));
  console.log(lines.join('\n'));
}
