/**
 * SCEP server capacity (issue 3): PKCSReq enrollments per second from pre-built messages (client key
 * generation excluded) at concurrency 1, 4 and 8, several repetitions (median), against mcms
 * (`mcms serve`, SQLite, one-time challenges), smallstep step-ca 0.19 and micromdm's scepserver
 * (static challenge) in the same run on loopback. Every reply is opened afterwards: failures and
 * duplicate serials are counted per server. Then mcms at concurrency 4 with 100,000 more
 * certificates in its inventory, beside the same data directory without them, served alternately.
 * Each server gets untimed warm-up enrollments after it starts (3,000 by default): mcms runs on V8,
 * which keeps optimising the request path over its first few thousand enrollments (its CPU time per
 * enrollment fell from about 4 ms after 1,000 to about 2.6 ms after 4,000); the Go peers get the same.
 * Every line also gives each server's CPU time (its processes, user + system) per enrollment.
 *
 * Options: --requests N (per server, level and repetition; default 1000), --reps R (default 3),
 * --warm-up N (default 3000), --skip-peers (mcms only), --inventory N (default 100000), --workers N
 * (`mcms serve --workers`). Progress goes to stderr, the result lines to stdout.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { TestParty } from '../src/lib/pki/cms/fixtures/test-certificates.js';
import { tempDir } from '../test/support/openssl.js';
import { seedCertificates } from './inventory-seed.js';
import { addSubscriber, createChallenges, startMcms } from './mcms-server.js';
import type { McmsServeOptions, McmsServer } from './mcms-server.js';
import { buildMessages, deviceKeyPool, fetchRaCertificate } from './scep-messages.js';
import { checkReplies, sendAll } from './scep-load.js';
import type { ReplyEncoding } from './scep-load.js';
import { startMicromdm, startStepCa } from './scep-peers.js';
import type { ScepServer } from './scep-peers.js';
import { LEVELS, inventoryLine, levelLine, newTally, rate, summaryLine } from './scep-report.js';
import type { InventoryComparison, Tally } from './scep-report.js';

const PEER_CHALLENGE = 'benchsecret';
const EMAIL = 'bench@example.test';
const PROFILE = 'smime-signing';
const DEVICE_KEYS = 40;

interface Options { requests: number; reps: number; warmUp: number; skipPeers: boolean; inventory: number; workers?: number }

function parseOptions(args: string[]): Options {
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const count = (name: string, fallback: number) => {
    const n = Number(value(name) ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    requests: count('requests', 1000), reps: count('reps', 3), warmUp: count('warm-up', 3000), skipPeers: args.includes('--skip-peers'), inventory: count('inventory', 100_000),
    ...(value('workers') ? { workers: count('workers', 1) } : {}),
  };
}

/** A server under test: where to send, whom to envelope to, how to read its replies, the challenges its messages carry. */
interface Target {
  server: ScepServer;
  ra: Buffer;
  replies: ReplyEncoding;
  challenges(count: number): Promise<string[]>;
}

const progress = (line: string) => process.stderr.write(`scep: ${line}\n`);

async function mcmsTarget(mcms: McmsServer, token: string): Promise<Target> {
  return {
    server: mcms, ra: await fetchRaCertificate(mcms.url), replies: 'der',
    challenges: (count) => createChallenges(mcms, token, { email: EMAIL, profile: PROFILE, count }),
  };
}

async function peerTarget(server: ScepServer): Promise<Target> {
  return { server, ra: await fetchRaCertificate(server.url), replies: 'ber', challenges: async (count) => new Array<string>(count).fill(PEER_CHALLENGE) };
}

/** One timed run: build messages (untimed), send them at `concurrency` (timed), open the replies (untimed). */
async function measure(pool: readonly TestParty[], target: Target, run: { requests: number; concurrency: number; label: string }, tally = newTally()): Promise<void> {
  const messages = await buildMessages(pool, target.ra, await target.challenges(run.requests));
  const cpuBefore = target.server.cpuMs();
  const result = await sendAll(target.server.url, messages, run.concurrency);
  const cpuPerEnrollment = (target.server.cpuMs() - cpuBefore) / run.requests;
  const check = await checkReplies(messages, result, target.replies);
  const perSecond = run.requests / result.seconds;
  tally.rates.push(perSecond);
  tally.cpuMs.push(cpuPerEnrollment);
  tally.serials.push(...check.serials);
  for (const [reason, n] of check.failures) tally.failures.set(reason, (tally.failures.get(reason) ?? 0) + n);
  const failed = [...check.failures].map(([reason, n]) => `${reason} x${n}`).join(', ');
  progress(`${run.label}: ${rate(perSecond)} (${run.requests} in ${result.seconds.toFixed(2)} s, server CPU ${cpuPerEnrollment.toFixed(2)} ms per enrollment)${failed ? `; FAILURES ${failed}` : ''}`);
}

/** Every level; repetitions interleave the servers, so that drift on the machine touches each of them alike. */
async function measureLevels(pool: readonly TestParty[], targets: readonly Target[], options: Options): Promise<Map<number, Map<string, Tally>>> {
  const names = targets.map((t) => t.server.name);
  // An untimed warm-up for every server (JIT, connections, caches), not counted anywhere.
  for (const target of targets) await measure(pool, target, { requests: options.warmUp, concurrency: 4, label: `${target.server.name} warm-up (not counted)` });
  const byLevel = new Map<number, Map<string, Tally>>();
  for (const concurrency of LEVELS) {
    const tallies = new Map(names.map((name) => [name, newTally()]));
    byLevel.set(concurrency, tallies);
    for (let rep = 1; rep <= options.reps; rep += 1) {
      for (const target of targets) {
        const label = `${target.server.name} c=${concurrency} rep ${rep}/${options.reps}`;
        await measure(pool, target, { requests: options.requests, concurrency, label }, tallies.get(target.server.name)!);
      }
    }
    console.log(levelLine(concurrency, names, tallies));
  }
  return byLevel;
}

/**
 * The inventory comparison. mcms is stopped and its data directory copied; the copy gets `inventory`
 * more certificates. Then, rep by rep, each copy is served in turn (started, warmed up, measured at
 * concurrency 4, stopped), so that a restart and drift on the machine touch both figures alike.
 */
async function measureLargeInventory(pool: readonly TestParty[], token: string, serve: McmsServeOptions, options: Options, started: <T extends ScepServer>(server: T) => T): Promise<InventoryComparison> {
  const largeDir = `${serve.dataDir}-large`;
  cpSync(serve.dataDir, largeDir, { recursive: true });
  progress(`adding ${options.inventory} certificates to a copy of mcms's data directory`);
  const rows = seedCertificates(join(largeDir, 'mcms.db'), options.inventory);
  const copies = [{ name: 'empty inventory', dataDir: serve.dataDir, tally: newTally() }, { name: `${rows} certificates`, dataDir: largeDir, tally: newTally() }];
  for (let rep = 1; rep <= options.reps; rep += 1) {
    for (const copy of copies) {
      const server = started(await startMcms({ ...serve, dataDir: copy.dataDir, init: false }));
      const target = await mcmsTarget(server, token);
      await measure(pool, target, { requests: options.warmUp, concurrency: 4, label: `mcms (${copy.name}) warm-up after start (not counted)` });
      await measure(pool, target, { requests: options.requests, concurrency: 4, label: `mcms c=4, ${copy.name}, rep ${rep}/${options.reps}` }, copy.tally);
      await server.stop();
    }
  }
  return { rows, empty: copies[0]!.tally, large: copies[1]!.tally };
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const dir = tempDir('mcms-bench-scep-');
  const running = new Set<ScepServer>();
  const started = <T extends ScepServer>(server: T) => { running.add(server); return server; };
  const stopAll = async () => {
    for (const server of running) await server.stop().catch((error: unknown) => progress(`stopping ${server.name}: ${String(error)}`));
    running.clear();
  };
  // The peers run in the background of their start scripts: stop them on Ctrl-C too.
  const interrupted = () => void stopAll().finally(() => { dir.remove(); process.exit(130); });
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const serve: McmsServeOptions = { dataDir: join(dir.path, 'data'), init: true, ...(options.workers ? { workers: options.workers } : {}) };
  try {
    progress(`starting servers and making ${DEVICE_KEYS} device keys`);
    const [pool, mcms] = await Promise.all([deviceKeyPool(DEVICE_KEYS), startMcms(serve).then(started)]);
    const token = mcms.adminToken;
    if (!token) throw new Error('mcms serve --init printed no admin token');
    await addSubscriber(mcms, token, EMAIL);
    const targets = [await mcmsTarget(mcms, token)];
    if (!options.skipPeers) {
      targets.push(await peerTarget(started(await startStepCa(join(dir.path, 'stepca'), PEER_CHALLENGE))));
      targets.push(await peerTarget(started(await startMicromdm(join(dir.path, 'micromdm'), PEER_CHALLENGE))));
    }
    progress(`servers: ${targets.map((t) => `${t.server.name} ${t.server.url}`).join(', ')}`);
    const byLevel = await measureLevels(pool, targets, options);

    await mcms.stop();
    const inventory = await measureLargeInventory(pool, token, serve, options, started);
    console.log(inventoryLine(byLevel, inventory));
    console.log(summaryLine(options, targets.map((t) => t.server.name), byLevel, inventory));
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await stopAll();
    dir.remove();
  }
}
