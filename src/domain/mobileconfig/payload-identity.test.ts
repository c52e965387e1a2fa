import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifierPrefixFor, stableUuid } from './payload-identity.js';

test('stable UUIDs are RFC 4122 version 5, upper case, the same for the same name and different otherwise', () => {
  const uuid = stableUuid('encryption-identity:0a1b');
  assert.match(uuid, /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  assert.equal(stableUuid('encryption-identity:0a1b'), uuid);
  assert.notEqual(stableUuid('encryption-identity:0a1c'), uuid);
});

test('the identifier prefix is the base URL host reversed', () => {
  assert.equal(identifierPrefixFor('https://pki.example.com/base'), 'com.example.pki.mcms');
  assert.equal(identifierPrefixFor('http://localhost:8080'), 'localhost.mcms');
});
