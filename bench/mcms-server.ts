/**
 * The real `mcms serve` as a child process for benchmarks (`bin/mcms`, SQLite in a temp data
 * directory, loopback only), and the REST calls a SCEP benchmark needs before timing: a subscriber
 * and one one-time challenge per enrollment.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ScepServer } from './scep-peers.js';
import { processTreeCpuMs } from './process-cpu.js';
import { freePort } from './scep-peers.js';

const BIN = resolve(import.meta.dirname, '../bin/mcms');
const ADMIN_TOKEN = /mcms_[A-Za-z0-9_-]{43}/;

export interface McmsServer extends ScepServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The first admin token, printed by `serve --init` on an empty data directory. */
  adminToken: string | undefined;
}

export interface McmsServeOptions {
  dataDir: string;
  init: boolean;
  /** `serve --workers N`; the server's own default when absent. */
  workers?: number;
}

async function waitHealthy(origin: string, exited: () => boolean, output: () => string): Promise<void> {
  for (let i = 0; i < 150; i += 1) {
    if (exited()) throw new Error(`mcms exited during start-up:\n${output()}`);
    if (await fetch(`${origin}/healthz`).then((r) => r.status === 200, () => false)) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`mcms did not become healthy:\n${output()}`);
}

export async function startMcms(options: McmsServeOptions): Promise<McmsServer> {
  const port = await freePort();
  // MCMS_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (workers inherit them).
  const args = [...(process.env.MCMS_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), BIN, '--data-dir', options.dataDir, 'serve', ...(options.init ? ['--init'] : []), '--port', String(port), '--host', '127.0.0.1',
    ...(options.workers ? ['--workers', String(options.workers)] : [])];
  // The database and master key come from the data directory, never from the caller's environment.
  // The escrow key pool is off: after start every worker would fill it in the background (RSA key
  // generation, seconds of CPU), during the measurement; neither SCEP nor OCSP takes keys from it.
  const child = spawn(process.execPath, args, {
    env: { ...process.env, MCMS_LOG_LEVEL: 'warn', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '', MCMS_ESCROW_POOL_SIZE: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  let hasExited = false;
  const exit = new Promise<void>((done) => child.on('exit', () => { hasExited = true; done(); }));
  const stop = async () => {
    if (!hasExited) child.kill('SIGTERM');
    await exit;
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(origin, () => hasExited, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: 'mcms', url: `${origin}/scep`, origin, adminToken: ADMIN_TOKEN.exec(output)?.[0], stop, cpuMs: () => processTreeCpuMs(child.pid!) };
}

async function post(mcms: McmsServer, token: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${mcms.origin}/api/v1${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

export async function addSubscriber(mcms: McmsServer, token: string, email: string): Promise<void> {
  await post(mcms, token, '/subscribers', { email });
}

/** `count` one-time challenges for the subscriber and profile, created `parallel` at a time. */
export async function createChallenges(mcms: McmsServer, token: string, options: { email: string; profile: string; count: number; parallel?: number }): Promise<string[]> {
  const challenges: string[] = [];
  let next = 0;
  const path = `/subscribers/${encodeURIComponent(options.email)}/challenges`;
  await Promise.all(Array.from({ length: options.parallel ?? 16 }, async () => {
    while (next < options.count) {
      next += 1;
      const { challenge } = await post(mcms, token, path, { profile: options.profile }) as { challenge?: string };
      if (!challenge) throw new Error('challenge creation returned no challenge');
      challenges.push(challenge);
    }
  }));
  return challenges;
}
