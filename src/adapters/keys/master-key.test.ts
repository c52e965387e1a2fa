import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadMasterKey } from './master-key.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcms-master-key-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const oneLine = (error: unknown) => error instanceof Error && !error.message.includes('\n');

describe('master key file', () => {
  it('is created with mode 0600 holding 32 random bytes in base64, then read back unchanged', () => {
    const dir = dataDir();
    const key = loadMasterKey({ dataDir: dir, create: true });
    assert.equal(key.length, 32);
    const path = join(dir, 'master.key');
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8').trim(), key.toString('base64'));
    assert.ok(loadMasterKey({ dataDir: dir, create: true }).equals(key), 'create keeps an existing key');
    assert.ok(loadMasterKey({ dataDir: dir, create: false }).equals(key));
    assert.ok(!loadMasterKey({ dataDir: dataDir(), create: true }).equals(key), 'each data directory gets its own key');
  });

  it('is refused when group or others can read it, with the chmod to run', { skip: process.platform === 'win32' ? 'no POSIX modes' : false }, () => {
    const dir = dataDir();
    loadMasterKey({ dataDir: dir, create: true });
    const path = join(dir, 'master.key');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(path, mode);
      assert.throws(() => loadMasterKey({ dataDir: dir, create: false }), (error: Error) => {
        assert.ok(oneLine(error));
        assert.ok(error.message.includes(`chmod 600 ${path}`), error.message);
        return true;
      });
    }
    chmodSync(path, 0o600);
    assert.equal(loadMasterKey({ dataDir: dir, create: false }).length, 32);
  });

  it('is required when missing and not to be created', () => {
    assert.throws(() => loadMasterKey({ dataDir: dataDir(), create: false }), (error: Error) =>
      oneLine(error) && /master\.key is missing and MCMS_MASTER_KEY is not set/.test(error.message));
  });

  it('must hold 32 bytes', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'master.key'), randomBytes(16).toString('base64'), { mode: 0o600 });
    assert.throws(() => loadMasterKey({ dataDir: dir, create: false }), /does not hold a 32-byte key/);
  });
});

describe('MCMS_MASTER_KEY', () => {
  const raw = randomBytes(32);

  it('accepts 64 hex digits and base64 (standard or URL-safe, with or without padding)', () => {
    for (const value of [raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64'),
      raw.toString('base64url'), `  ${raw.toString('base64')}\n`]) {
      assert.ok(loadMasterKey({ dataDir: dataDir(), fromEnv: value, create: false }).equals(raw), value);
    }
  });

  it('wins over the key file, and creates none', () => {
    const dir = dataDir();
    const fromFile = loadMasterKey({ dataDir: dir, create: true });
    assert.ok(loadMasterKey({ dataDir: dir, fromEnv: raw.toString('hex'), create: true }).equals(raw));
    assert.ok(!fromFile.equals(raw));
    const empty = dataDir();
    loadMasterKey({ dataDir: empty, fromEnv: raw.toString('hex'), create: true });
    assert.throws(() => statSync(join(empty, 'master.key')), /ENOENT/);
  });

  it('is ignored when empty', () => {
    const dir = dataDir();
    const fromFile = loadMasterKey({ dataDir: dir, create: true });
    assert.ok(loadMasterKey({ dataDir: dir, fromEnv: '', create: false }).equals(fromFile));
  });

  it('refuses anything but 32 bytes, in one line that names the variable and not the value', () => {
    const bad = ['secret', raw.subarray(0, 31).toString('hex'), raw.subarray(0, 16).toString('base64'),
      Buffer.concat([raw, raw]).toString('base64'), `${raw.toString('hex')}00`, 'z'.repeat(64), `${raw.toString('base64').slice(0, 40)}!!!=`];
    for (const value of bad) {
      assert.throws(() => loadMasterKey({ dataDir: dataDir(), fromEnv: value, create: true }), (error: Error) => {
        assert.ok(oneLine(error));
        assert.match(error.message, /MCMS_MASTER_KEY/);
        assert.ok(!error.message.includes(value.trim()), 'the value is not echoed');
        return true;
      }, value);
    }
  });
});
