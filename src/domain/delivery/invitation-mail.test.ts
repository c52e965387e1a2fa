import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invitationMail } from './invitation-mail.js';

test('the invitation names the link, its expiry and the escrow notice, and escapes what it interpolates into HTML', () => {
  const mail = invitationMail({
    to: 'eve@example.test', name: '<b>Eve</b> & "co"', organization: 'Org <Inc>', url: 'https://pki.example.test/enroll/abc.def?x=<y>',
    expiresAt: new Date('2030-01-08T10:20:00Z'),
  });
  assert.equal(mail.to, 'eve@example.test');
  assert.match(mail.text, /https:\/\/pki\.example\.test\/enroll\/abc\.def/);
  assert.match(mail.text, /until 2030-01-08 10:20 UTC/);
  assert.match(mail.text, /archived by Org <Inc>/);
  assert.doesNotMatch(mail.html!, /<b>Eve<\/b>|<Inc>|<y>/);
  assert.match(mail.html!, /&#60;b&#62;Eve&#60;\/b&#62; &#38; &#34;co&#34;/);
  assert.equal(mail.headers?.['Auto-Submitted'], 'auto-generated');
});
