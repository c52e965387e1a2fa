/**
 * The SCEP peers of `bench/scep.ts`, started with the scripts in ../shared/peers on loopback only:
 * smallstep step-ca 0.19 (SCEP provisioner `bench`, RSA intermediate as RA) and micromdm's
 * scepserver (Debian `scep`; it has no bind flag, so it listens on all interfaces and is only ever
 * sent loopback traffic). Both take one static challenge.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { processTreeCpuMs } from './process-cpu.js';

const exec = promisify(execFile);
const PEERS = resolve(import.meta.dirname, '../../shared/peers');

/** A running SCEP server: its SCEP URL and how to stop it. */
export interface ScepServer {
  name: string;
  url: string;
  stop(): Promise<void>;
  /** CPU time (user + system, ms) the server's processes have used so far. */
  cpuMs(): number;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A free loopback port; with `pair`, the next port is free too (step-ca also listens on PORT+1 for HTTPS). */
export async function freePort(options: { pair?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((done) => server.close(() => done()));
    if (!options.pair || (port < 65535 && await portIsFree(port + 1))) return port;
  }
  throw new Error('no free port pair on 127.0.0.1');
}

/** Stops a process the peer script started in the background (SIGTERM, then SIGKILL after 3 s). */
async function stopPid(pid: number): Promise<void> {
  const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 30 && alive(); i += 1) await new Promise((done) => setTimeout(done, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}

/** Runs a `start.sh WORKDIR PORT CHALLENGE` script, which prints `URL PID`, and checks that the server answers. */
async function startPeer(name: string, script: string, workDir: string, port: number, challenge: string, env: NodeJS.ProcessEnv = process.env): Promise<ScepServer> {
  const { stdout } = await exec('bash', [script, workDir, String(port), challenge], { env });
  const [url, pidText] = stdout.trim().split(/\s+/).slice(-2);
  const pid = Number(pidText);
  if (!url || !Number.isInteger(pid)) throw new Error(`${name}: start script printed ${JSON.stringify(stdout)}`);
  const server = { name, url, stop: () => stopPid(pid), cpuMs: () => processTreeCpuMs(pid) };
  const caps = await fetch(`${url}?operation=GetCACaps`).then((r) => r.status, () => 0);
  if (caps !== 200) {
    await server.stop();
    throw new Error(`${name} did not answer GetCACaps at ${url} (see ${workDir})`);
  }
  return server;
}

/** Builds the step-ca launcher (offline Go build, cached) and starts step-ca. */
export async function startStepCa(workDir: string, challenge: string): Promise<ScepServer> {
  const { stdout } = await exec('bash', [resolve(PEERS, 'stepca/build.sh')], { maxBuffer: 16 * 1024 * 1024 });
  const binary = stdout.trim().split('\n').pop() ?? '';
  const env = { ...process.env, PEERS_BIN: dirname(binary) };
  return startPeer('step-ca', resolve(PEERS, 'stepca/start.sh'), workDir, await freePort({ pair: true }), challenge, env);
}

export async function startMicromdm(workDir: string, challenge: string): Promise<ScepServer> {
  return startPeer('micromdm', resolve(PEERS, 'micromdm/start.sh'), workDir, await freePort(), challenge);
}
