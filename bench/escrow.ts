/**
 * Encryption identities: RSA-2048 key generation single-threaded (`generateKeyPairSync` on the main
 * thread), the key pool refilling on every core (async `generateKeyPair` on libuv's thread pool), and
 * time-to-first-identity for a new person with a warm pool (`mcms.escrow.generate`: key from the pool,
 * certificate through the RA, archive, commit; p50 and p99), beside `openssl genpkey -algorithm RSA
 * -pkeyopt rsa_keygen_bits:2048` (one process per key, one at a time) on the same machine.
 *
 * Options: --count N (default 40 keys per keygen figure), --people P (default 60 first identities).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { EncryptionKeyPool } from '../src/adapters/keys/encryption-key-pool.js';
import { loadConfig } from '../src/config/index.js';
import { openMcms } from '../src/main/open-mcms.js';
import { tempDir } from '../test/support/openssl.js';

const run_ = promisify(execFile);

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(args: string[]): Promise<void> {
  const count = Number(option(args, 'count', '40'));
  const people = Number(option(args, 'people', '60'));
  const cores = availableParallelism();

  let start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const singleThreaded = count / seconds(start);

  const pool = new EncryptionKeyPool({ algorithm: 'rsa-2048', size: count });
  start = process.hrtime.bigint();
  await pool.warm();
  const poolRate = count / seconds(start);
  pool.close();

  start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await run_('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', '/dev/null']);
  const opensslRate = count / seconds(start);

  const dir = tempDir('mcms-bench-escrow-');
  const env = { MCMS_DATA_DIR: dir.file('data'), MCMS_LOG_LEVEL: 'silent', MCMS_ESCROW_POOL_SIZE: String(people) };
  const mcms = await openMcms(loadConfig({ env, cwd: dir.path }), { init: true });
  const admin = mcms.localPrincipal();
  await mcms.ca.init(admin);
  await mcms.subscribers.add(admin, { email: 'warm-up@example.test' });
  await mcms.escrow.generate(admin, { subscriber: 'warm-up@example.test' }); // creates the KRA key, loads the CA
  await mcms.escrow.warmPool();
  const latencies: number[] = [];
  for (let i = 0; i < people; i += 1) {
    await mcms.subscribers.add(admin, { email: `person${i}@example.test` });
    const t = process.hrtime.bigint();
    await mcms.escrow.generate(admin, { subscriber: `person${i}@example.test` });
    latencies.push(seconds(t) * 1000);
  }
  await mcms.close();
  dir.remove();
  latencies.sort((a, b) => a - b);

  const f = (n: number) => n.toFixed(1);
  console.log(
    `escrow (RSA-2048, ${cores} cores): keygen single-threaded ${f(singleThreaded)}/s, pool refill ${f(poolRate)}/s (${cores} cores, ` +
    `${(poolRate / singleThreaded).toFixed(2)}x single), openssl genpkey ${f(opensslRate)}/s (1 proc at a time); ` +
    `first identity with a warm pool p50 ${f(percentile(latencies, 50))} ms, p99 ${f(percentile(latencies, 99))} ms (${people} people, SQLite); ` +
    `ratio pool/openssl ${(poolRate / opensslRate).toFixed(2)}x`,
  );
}
