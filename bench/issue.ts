/**
 * Issuance throughput: certificates per second from pre-made CSRs,
 *  - in-process (`mcms.certificates.issue`: parse + verify CSR, build, sign, insert, audit, commit),
 *  - through the REST API (`POST /api/v1/certificates`, keep-alive),
 * beside the floor, `openssl x509 -req` signing the same CSRs with the same CA key and the same
 * extensions (one process per certificate, as a script around openssl runs it; as many at once as
 * there are cores).
 *
 * Options: --count N (default 1000), --concurrency C (default 16), --db sqlite|postgres
 * (postgres uses MCMS_TEST_DATABASE_URL).
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { openStore } from '../src/adapters/db/open-store.js';
import { loadMasterKey } from '../src/adapters/keys/master-key.js';
import { openSealedKey } from '../src/adapters/keys/sealed-key.js';
import { loadConfig } from '../src/config/index.js';
import { startHttpServer } from '../src/entrypoints/http/app.js';
import { databaseLocation, openMcms } from '../src/main/open-mcms.js';
import { toPem } from '../src/lib/pki/index.js';
import { makeCsr, tempDir } from '../test/support/openssl.js';

const run_ = promisify(execFile);

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

/** Runs `task(i)` for i in 0..count-1 with at most `concurrency` in flight; returns certificates per second. */
async function throughput(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

export async function run(args: string[]): Promise<void> {
  const count = Number(option(args, 'count', '1000'));
  const concurrency = Number(option(args, 'concurrency', '16'));
  const db = option(args, 'db', 'sqlite');
  const dir = tempDir('mcms-bench-');
  const env: Record<string, string> = { MCMS_DATA_DIR: dir.file('data'), MCMS_LOG_LEVEL: 'silent', MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' };
  const pgUrl = process.env.MCMS_TEST_DATABASE_URL;
  const schema = `mcms_bench_${randomBytes(4).toString('hex')}`;
  if (db === 'postgres') {
    if (!pgUrl) throw new Error('--db postgres needs MCMS_TEST_DATABASE_URL');
    env.MCMS_DATABASE_URL = `${pgUrl}?schema=${schema}`;
  }
  const config = loadConfig({ env, cwd: dir.path });
  const mcms = await openMcms(config, { init: true });
  const admin = mcms.localPrincipal();
  const { adminToken } = await mcms.ca.init(admin);
  await mcms.subscribers.add(admin, { email: 'bench@example.test', name: 'Bench Person' });

  // Pre-made requests: distinct P-256 keys (key generation is not what is measured).
  const distinct = Math.min(count, 100);
  const csrs = Array.from({ length: distinct }, (_, i) => makeCsr(dir.path, `r${i}`, 'ec:P-256'));

  // The same CA key and certificate for openssl: unsealed from mcms's own key store.
  const issuing = (await mcms.ca.identity('issuing'))!;
  const store = await openStore(databaseLocation(config.databaseUrl));
  const blob = (await store.keyBlobs.get(issuing.keyId))!;
  const masterKey = loadMasterKey({ dataDir: config.dataDir, fromEnv: config.masterKey, create: false });
  const pkcs8 = openSealedKey(masterKey, { keyId: blob.id, algorithm: blob.algorithm }, blob.sealed);
  writeFileSync(dir.file('ca.key'), createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  pkcs8.fill(0);
  await store.close();
  writeFileSync(dir.file('ca.pem'), toPem('CERTIFICATE', issuing.certificate));
  writeFileSync(dir.file('ext.cnf'), [
    'keyUsage = critical, digitalSignature, nonRepudiation',
    'extendedKeyUsage = emailProtection',
    'subjectAltName = email:bench@example.test',
    'certificatePolicies = 2.23.140.1.5.1.3',
    `crlDistributionPoints = URI:${config.baseUrl}/crl/issuing.crl`,
    `authorityInfoAccess = caIssuers;URI:${config.baseUrl}/ca/issuing.crt, OCSP;URI:${config.baseUrl}/ocsp`,
    'authorityKeyIdentifier = keyid',
    'subjectKeyIdentifier = hash',
  ].join('\n'));

  const inProcess = await throughput(count, concurrency, async (i) => {
    await mcms.certificates.issue(admin, { profile: 'smime-signing', subscriber: 'bench@example.test', csr: csrs[i % distinct]!.csrPem });
  });

  const server = await startHttpServer(mcms, { logger: pino({ level: 'silent' }) });
  const api = await throughput(count, concurrency, async (i) => {
    const response = await fetch(`${server.url}/api/v1/certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'smime-signing', subscriber: 'bench@example.test', csr: csrs[i % distinct]!.csrPem }),
    });
    if (response.status !== 201) throw new Error(`API answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  });
  await server.close();

  const cores = availableParallelism();
  const opensslRate = await throughput(count, cores, async (i) => {
    await run_('openssl', ['x509', '-req', '-in', csrs[i % distinct]!.csrFile, '-CA', dir.file('ca.pem'), '-CAkey', dir.file('ca.key'),
      '-set_serial', `0x${randomBytes(16).toString('hex').replace(/^[89a-f]/, '1')}`, '-days', '365', '-sha256',
      '-subj', '/CN=bench@example.test', '-extfile', dir.file('ext.cnf'), '-out', dir.file(`o${i % cores}.pem`)]);
  });
  await mcms.close();
  dir.remove();
  if (db === 'postgres') {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }

  const f = (n: number) => n.toFixed(0);
  console.log(
    `issue (${count} certs, ${db}, RSA-2048 CA): mcms in-process ${f(inProcess)}/s (c=${concurrency}), ` +
    `mcms API ${f(api)}/s (c=${concurrency}), openssl x509 -req ${f(opensslRate)}/s (${cores} procs); ` +
    `ratio in-process/openssl ${(inProcess / opensslRate).toFixed(2)}x, API/openssl ${(api / opensslRate).toFixed(2)}x`,
  );
}

