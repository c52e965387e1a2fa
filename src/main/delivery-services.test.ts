import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config/index.js';
import { deliverySettings, readDeviceCa } from './delivery-services.js';

const withDir = (work: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcms-delivery-config-'));
  try {
    work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('delivery settings: defaults, and the identifier prefix from the base URL', () => withDir((dir) => {
  const settings = deliverySettings(loadConfig({ env: { MCMS_BASE_URL: 'https://pki.example.com/' }, cwd: dir }));
  assert.equal(settings.baseUrl, 'https://pki.example.com');
  assert.equal(settings.identifierPrefix, 'com.example.pki.mcms');
  assert.equal(settings.organization, 'mcms');
  assert.deepEqual(settings.mailAccount, { kind: 'none' });
  assert.equal(settings.linkTtlMs, 7 * 86_400_000);
  assert.equal(settings.ota.enabled, false);
}));

test('configuration mistakes are refused before anything starts', () => withDir((dir) => {
  const refused = (env: Record<string, string>, pattern: RegExp) => assert.throws(() => readDeviceCa(loadConfig({ env, cwd: dir })), (e: Error) => e instanceof ConfigError && pattern.test(e.message));
  refused({ MCMS_DELIVERY_MAIL_ACCOUNT: 'imap' }, /delivery\.imap\.incomingHost/);
  refused({ MCMS_DELIVERY_MAIL_ACCOUNT: 'exchange' }, /delivery\.exchange\.host/);
  refused({ MCMS_DELIVERY_OTA_ENABLED: 'true' }, /deviceCaFile.*is required/);
  refused({ MCMS_DELIVERY_PROFILE_CHALLENGE_TTL: '60d' }, /not be longer than scep\.challengeMaxTtl/);
  refused({ MCMS_DELIVERY_OTA_ENABLED: 'true', MCMS_DELIVERY_OTA_DEVICE_CA_FILE: join(dir, 'missing.pem') }, /cannot read/);
  writeFileSync(join(dir, 'garbage.pem'), 'not a certificate');
  refused({ MCMS_DELIVERY_OTA_ENABLED: 'true', MCMS_DELIVERY_OTA_DEVICE_CA_FILE: join(dir, 'garbage.pem') }, /holds no X\.509 certificate/);
}));
