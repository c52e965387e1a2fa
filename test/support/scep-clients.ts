/**
 * Real SCEP clients for tests: micromdm's scepclient (Go) and certmonger (C, FreeIPA's), each run in a
 * private directory; certmonger also on a private D-Bus with private state directories.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ScepClientRun {
  status: number;
  output: string;
}

/**
 * Runs a command without blocking the event loop (the server under test answers from this process)
 * and collects its output; killed after `timeoutMs`.
 */
export function run(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<ScepClientRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status: status ?? -1, output });
    });
  });
}

/** One scepclient enrollment in `dir` (it reuses ./csr.pem and ./self.pem there, and renews when cert.pem exists). */
export function scepclient(dir: string, url: string, options: { challenge?: string; cn?: string; timeoutMs?: number } = {}): Promise<ScepClientRun> {
  mkdirSync(dir, { recursive: true });
  const args = ['-server-url', url, '-private-key', join(dir, 'key.pem'), '-certificate', join(dir, 'cert.pem'), '-cn', options.cn ?? 'device', '-keySize', '2048', '-debug'];
  if (options.challenge !== undefined) args.push('-challenge', options.challenge);
  return run('scepclient', args, { cwd: dir, timeoutMs: options.timeoutMs ?? 60_000 });
}

export class Certmonger {
  private daemon: ChildProcess | undefined;
  private busPid: number | undefined;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly dir: string) {
    const cm = join(dir, 'cm');
    for (const sub of ['', 'requests', 'cas', 'local', 'tmp']) mkdirSync(join(cm, sub), { recursive: true });
    this.env = {
      ...process.env, CERTMONGER_CONFIG_DIR: cm, CERTMONGER_REQUESTS_DIR: join(cm, 'requests'), CERTMONGER_CAS_DIR: join(cm, 'cas'),
      CERTMONGER_LOCAL_CA_DIR: join(cm, 'local'), CERTMONGER_TMPDIR: join(cm, 'tmp'),
    };
  }

  async start(): Promise<void> {
    const bus = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=2'], { encoding: 'utf8' });
    if (bus.status !== 0) throw new Error(`dbus-daemon: ${bus.stderr}`);
    this.env.DBUS_SESSION_BUS_ADDRESS = bus.stdout.trim();
    this.busPid = Number(bus.stderr.trim());
    this.daemon = spawn('certmonger', ['-s', '-n', '-d', '2'], { env: this.env, stdio: 'ignore' });
    for (let i = 0; i < 50; i += 1) {
      if ((await this.getcert(['list-cas', '-s'])).status === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('certmonger did not come up');
  }

  getcert(args: string[]): Promise<ScepClientRun> {
    return run('getcert', args, { env: this.env, timeoutMs: 120_000 });
  }

  /** Adds the SCEP CA and requests a certificate, waiting for the outcome; returns `getcert list` output. */
  async request(input: { caName: string; url: string; challenge: string; cn: string; email: string }): Promise<{ request: ScepClientRun; list: string; certFile: string }> {
    const certFile = join(this.dir, `${input.caName}.crt`);
    const add = await this.getcert(['add-scep-ca', '-s', '-c', input.caName, '-u', input.url]);
    if (add.status !== 0) throw new Error(`add-scep-ca: ${add.output}`);
    const request = await this.getcert(['request', '-s', '-c', input.caName, '-k', join(this.dir, `${input.caName}.key`), '-f', certFile,
      '-L', input.challenge, '-N', `CN=${input.cn}`, '-E', input.email, '-w', '-v']);
    return { request, list: (await this.getcert(['list', '-s'])).output, certFile };
  }

  readCertificate(file: string): string {
    return readFileSync(file, 'utf8');
  }

  stop(): void {
    this.daemon?.kill('SIGTERM');
    if (this.busPid) {
      try {
        process.kill(this.busPid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
