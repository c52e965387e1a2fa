import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerChallenge, bearerToken } from './auth.js';

test('the bearer token is read from the Authorization header, scheme in any case', () => {
  assert.equal(bearerToken('Bearer mcms_abc.def'), 'mcms_abc.def');
  assert.equal(bearerToken('bearer   mcms_abc  '), 'mcms_abc');
  assert.equal(bearerToken('BEARER x y'), 'x y');
});

test('no header, another scheme or an empty token is no token at all', () => {
  for (const header of [undefined, '', 'Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer    ', 'Bearermcms_abc']) {
    assert.equal(bearerToken(header), undefined, String(header));
  }
});

test('the challenge says invalid_token only when a token was sent and refused (RFC 6750 §3.1)', () => {
  assert.equal(bearerChallenge('auth.missing-token'), 'Bearer realm="mcms"');
  assert.equal(bearerChallenge('auth.invalid-token'), 'Bearer realm="mcms", error="invalid_token"');
});
