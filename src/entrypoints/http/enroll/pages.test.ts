import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedLinkPage, enrollPage } from './pages.js';

test('the page escapes the person and the organisation, runs no script and says what will happen', () => {
  const html = enrollPage({
    organization: '<script>alert(1)</script>', mailbox: 'a"b@example.test', displayName: '<img src=x onerror=alert(1)>',
    expiresAt: new Date('2030-01-01T00:00:00Z'), installPath: '/enroll/t/profile', ota: false, qrSvg: '<svg viewBox="0 0 1 1"></svg>',
  });
  assert.doesNotMatch(html, /<script|<img/i);
  assert.match(html, /a&#34;b@example\.test/);
  assert.match(html, /What will happen/);
  assert.match(html, /<form method="post" action="\/enroll\/t\/profile">/);
  assert.doesNotMatch(html, /device certificate; then the profile follows/, 'the OTA step only when OTA is on');
  assert.match(enrollPage({ organization: 'O', mailbox: 'm@x.test', displayName: null, expiresAt: new Date(0), installPath: '/p', ota: true, qrSvg: '' }),
    /gets its own device certificate/);
});

test('closed links: a page per reason, never a profile', () => {
  for (const [state, text] of [['used', /used already/], ['expired', /has expired/], ['revoked', /withdrawn/], ['invalid', /not valid/]] as const) {
    const html = closedLinkPage(state);
    assert.match(html, text);
    assert.match(html, /No profile was delivered/);
  }
});
