/**
 * Device profiles: build time (p50, p99) of a person's signed profile with 1, 5 and 20 encryption
 * identities (`mcms.delivery.buildProfile`: a one-time challenge, one PKCS#12 per identity opened from
 * escrow, the plist, the CMS signature, audit), beside the same crypto done by openssl in a shell
 * script's way (one `openssl pkcs12 -export` with 3DES/SHA-1 per identity plus `openssl cms -sign`);
 * and the enrollment page's requests per second beside /healthz on the same server, same client.
 *
 * Options: --reps N (default 15 builds per size), --seconds S (default 3 per HTTP figure), --concurrency C (default 8).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../src/config/index.js';
import { startHttpServer } from '../src/entrypoints/http/app.js';
import { openMcms } from '../src/main/open-mcms.js';
import { tempDir } from '../test/support/openssl.js';

const exec = promisify(execFile);
const SIZES = [1, 5, 20];

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Requests per second of GET `url` with `concurrency` keep-alive clients for `seconds`. */
async function rate(url: string, seconds: number, concurrency: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      done += 1;
    }
  }));
  return done / seconds;
}

export async function run(args: string[]): Promise<void> {
  const reps = Number(option(args, 'reps', '15'));
  const seconds = Number(option(args, 'seconds', '3'));
  const concurrency = Number(option(args, 'concurrency', '8'));
  const dir = tempDir('mcms-bench-profile-');
  const env = { MCMS_DATA_DIR: dir.file('data'), MCMS_LOG_LEVEL: 'silent', MCMS_ESCROW_POOL_SIZE: '32', MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' };
  const mcms = await openMcms(loadConfig({ env, cwd: dir.path }), { init: true });
  const admin = mcms.localPrincipal();
  await mcms.ca.init(admin);
  await mcms.escrow.warmPool();
  const builds: string[] = [];
  for (const size of SIZES) {
    const email = `p${size}@example.test`;
    await mcms.subscribers.add(admin, { email });
    for (let i = 0; i < size; i += 1) await mcms.escrow.generate(admin, { subscriber: email });
    const device = await mcms.devices.add(admin, { subscriber: email, name: 'bench phone' });
    await mcms.delivery.buildProfile(admin, { subscriber: email, deviceId: device.id }); // warm-up
    const times: number[] = [];
    for (let i = 0; i < reps; i += 1) {
      const t = process.hrtime.bigint();
      await mcms.delivery.buildProfile(admin, { subscriber: email, deviceId: device.id });
      times.push(ms(t));
    }
    times.sort((a, b) => a - b);
    builds.push(`${size} id p50 ${percentile(times, 50).toFixed(0)} / p99 ${percentile(times, 99).toFixed(0)} ms`);
  }

  // The peer: the same crypto as a script would do it with openssl, for 5 identities.
  const key = dir.file('k.pem');
  const cert = dir.file('c.pem');
  await exec('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=bench']);
  writeFileSync(dir.file('profile.xml'), '<plist version="1.0"><dict/></plist>'.padEnd(60_000, ' '));
  const peer: number[] = [];
  for (let r = 0; r < Math.min(reps, 5); r += 1) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < 5; i += 1) {
      await exec('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', dir.file(`i${i}.p12`), '-passout', 'pass:bench-password-123',
        '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    }
    await exec('openssl', ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-in', dir.file('profile.xml'), '-signer', cert, '-inkey', key, '-out', dir.file('p.der')]);
    peer.push(ms(t));
  }
  peer.sort((a, b) => a - b);

  await mcms.subscribers.add(admin, { email: 'page@example.test' });
  const { url } = await mcms.delivery.invite(admin, { subscriber: 'page@example.test' });
  const server = await startHttpServer(mcms, { logger: pino({ level: 'silent' }) });
  const page = await rate(`${server.url}${new URL(url).pathname}`, seconds, concurrency);
  const health = await rate(`${server.url}/healthz`, seconds, concurrency);
  await server.close();
  await mcms.close();
  dir.remove();

  const five = Number(/5 id p50 (\d+)/.exec(builds.join(' '))![1]);
  console.log(
    `profile (${availableParallelism()} cores, SQLite): build ${builds.join(', ')} (${reps} builds each); `
    + `openssl script for 5 ids p50 ${percentile(peer, 50).toFixed(0)} ms, ratio mcms/openssl ${(five / percentile(peer, 50)).toFixed(2)}x; `
    + `enrollment page ${page.toFixed(0)} req/s vs /healthz ${health.toFixed(0)} req/s (${concurrency} clients, ${seconds} s), ratio ${(page / health).toFixed(2)}`,
  );
}
