/**
 * The enrollment page in a real browser (Debian's Chromium driven by playwright-core): on a desktop
 * viewport it shows the QR code to open the link on the phone; on a phone-sized touch viewport the QR
 * code is hidden and the install button downloads the signed profile, which passes the profile
 * checker. The page runs no script. Screenshots go to test-artifacts/ (git-ignored) for a human look.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { toPem } from '../../src/lib/pki/index.js';
import { startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { tempDir } from '../support/openssl.js';
import { checkMobileconfig } from '../support/profile-schema.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('enrollment page in Chromium', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  let browser: Browser;
  const dir = tempDir('mcms-browser-');
  const invite = async (email: string) => {
    const { url } = await instance.mcms.delivery.invite(instance.mcms.localPrincipal(), { subscriber: email });
    return `${server.url}${new URL(url).pathname}`;
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_CA_ORGANIZATION: 'Example Org' });
    server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
    for (const email of ['jo@example.test', 'kim@example.test']) await instance.mcms.subscribers.add(instance.mcms.localPrincipal(), { email });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await instance?.dispose();
    dir.remove();
  });

  test('a desktop browser shows the QR code and the steps', async () => {
    const url = await invite('jo@example.test');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(url);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('h1').innerText(), 'Secure mail on this device');
    assert.ok(await page.locator('#qr svg').isVisible(), 'the QR code is shown on a desktop');
    assert.ok(await page.getByRole('button', { name: 'Install profile' }).isVisible());
    const box = await page.locator('#qr svg').boundingBox();
    assert.ok(box && box.width >= 200, 'the QR code is big enough to scan');
    await page.screenshot({ path: join(ARTIFACTS, 'enroll-desktop.png'), fullPage: true });
    await context.close();
  });

  test('a phone-sized touch screen hides the QR code; the install button downloads the signed profile', async () => {
    const url = await invite('kim@example.test');
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: IPHONE_UA, acceptDownloads: true, javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(url);
    assert.equal(await page.locator('#qr').isVisible(), false, 'no QR code on the phone itself');
    await page.screenshot({ path: join(ARTIFACTS, 'enroll-phone.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Install profile' }).tap()]);
    assert.equal(download.suggestedFilename(), 'secure-mail.mobileconfig');
    const file = join(dir.path, 'downloaded.mobileconfig');
    await download.saveAs(file);
    const { chain } = await instance.mcms.ca.show(instance.mcms.localPrincipal());
    const profile = checkMobileconfig(readFileSync(file), { dir: dir.path, rootPem: toPem('CERTIFICATE', chain[chain.length - 1]!) });
    assert.equal(profile.ofType('com.apple.security.scep').length, 1);
    await page.goto(url);
    assert.match(await page.locator('h1').innerText(), /used already/);
    await page.screenshot({ path: join(ARTIFACTS, 'enroll-used.png'), fullPage: true });
    await context.close();
  });
});
