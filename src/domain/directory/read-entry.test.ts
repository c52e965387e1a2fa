import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeMapping, RawDirectoryEntry } from './model.js';
import { readDirectoryEntry } from './read-entry.js';

const AD: AttributeMapping = { mail: 'mail', proxyAddresses: 'proxyAddresses', name: 'displayName', login: 'sAMAccountName', department: 'department', disabled: '' };

function entry(values: Record<string, (string | Buffer)[]>): RawDirectoryEntry {
  return { dn: 'CN=Ann,OU=Staff,DC=corp,DC=test', attributes: new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x)))])) };
}

test('AD proxyAddresses: SMTP: is the primary, smtp: extra mailboxes, other address types ignored; names lower-cased', () => {
  const person = readDirectoryEntry(entry({
    mail: ['ann.old@corp.test'], proxyAddresses: ['smtp:Ann.Old@corp.test', 'SMTP:Ann@Corp.test', 'X500:/o=corp/cn=ann', 'sip:ann@corp.test', 'smtp:a@corp.test'],
    displayName: ['Ann Example'], sAMAccountName: ['ann'], department: ['Sales'], userAccountControl: ['512'],
  }), AD);
  assert.deepEqual(person, {
    dn: 'CN=Ann,OU=Staff,DC=corp,DC=test', mailboxes: ['ann@corp.test', 'ann.old@corp.test', 'a@corp.test'],
    displayName: 'Ann Example', loginName: 'ann', department: 'Sales', disabled: false,
  });
});

test('disabled: userAccountControl bit 2 (514, 66050), or a configured attribute set to TRUE', () => {
  for (const [uac, disabled] of [['514', true], ['66050', true], ['66048', false], ['garbage', false]] as const) {
    const person = readDirectoryEntry(entry({ mail: ['b@corp.test'], userAccountControl: [uac] }), AD);
    assert.equal('problem' in person ? null : person.disabled, disabled, uac);
  }
  const locked = readDirectoryEntry(entry({ mail: ['b@corp.test'], nsAccountLock: ['true'] }), { ...AD, disabled: 'nsAccountLock' });
  assert.equal('problem' in locked ? null : locked.disabled, true);
});

test('bad entries say why: no mail, not a mailbox, invalid UTF-8, oversized values, too long a name', () => {
  const cases: [Record<string, (string | Buffer)[]>, RegExp][] = [
    [{ displayName: ['No Mail'] }, /^no mail$/],
    [{ mail: ['not an address'] }, /mail "not an address" is not a mailbox address/],
    [{ mail: ['c@corp.test'], proxyAddresses: ['smtp:bad@'] }, /proxyAddresses "bad@" is not a mailbox address/],
    [{ mail: ['c@corp.test'], displayName: [Buffer.from([0x41, 0xc3, 0x28])] }, /displayName is not valid UTF-8/],
    [{ mail: ['c@corp.test'], department: ['x'.repeat(5000)] }, /department has a value of 5000 bytes/],
    [{ mail: ['c@corp.test'], displayName: ['N'.repeat(65)] }, /displayName is longer than 64 characters/],
  ];
  for (const [values, reason] of cases) {
    const read = readDirectoryEntry(entry(values), AD);
    assert.ok('problem' in read, JSON.stringify(values).slice(0, 60));
    assert.match(read.problem, reason);
  }
});

test('the display name falls back to cn', () => {
  const person = readDirectoryEntry(entry({ mail: ['d@corp.test'], cn: ['Dee'] }), AD);
  assert.equal('problem' in person ? null : person.displayName, 'Dee');
});
