/**
 * `mcms serve` as a process: `--init` on an empty data directory prints the admin token once, the
 * server answers, `--workers 2` runs two workers on one port, and SIGTERM to the supervisor stops
 * everything cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/openssl.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test('serve --init --workers 2: token once, two workers, graceful stop on SIGTERM', async () => {
  const dir = tempDir('mcms-serve-');
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, '--data-dir', join(dir.path, 'data'), 'serve', '--init', '--port', String(port), '--workers', '2'], {
    env: { ...process.env, MCMS_LOG_LEVEL: 'info', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  try {
    // Generous deadlines: `--init` makes the CA's RSA keys and two workers start on a machine that may
    // be busy with other test files; the test is about behaviour, not start-up time.
    const deadline = Date.now() + 90_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    }
    assert.ok(healthy, output);
    while ((output.match(/mcms listening on/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal((output.match(/mcms listening on/g) ?? []).length, 2, 'two workers listen');
    assert.equal((output.match(/mcms_[A-Za-z0-9_-]{43}/g) ?? []).length, 1, 'the admin token is printed once');
    const caps = await Promise.all(Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${port}/scep?operation=GetCACaps`).then((r) => r.text())));
    assert.ok(caps.every((c) => c.includes('SCEPStandard')));
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    dir.remove();
  }
  assert.match(output, /stopping workers/);
});
