import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preferredMediaType } from './content-negotiation.js';

const OFFERS = ['application/json', 'application/pkix-cert', 'application/x-pem-file'] as const;

test('without an Accept header the first offer is served', () => {
  assert.equal(preferredMediaType(undefined, OFFERS), 'application/json');
  assert.equal(preferredMediaType('', OFFERS), 'application/json');
});

test('an exact type wins over a wildcard and over the server order', () => {
  assert.equal(preferredMediaType('application/pkix-cert', OFFERS), 'application/pkix-cert');
  assert.equal(preferredMediaType('application/x-pem-file, */*;q=0.1', OFFERS), 'application/x-pem-file');
  assert.equal(preferredMediaType('*/*', OFFERS), 'application/json');
  assert.equal(preferredMediaType('application/*', OFFERS), 'application/json');
});

test('quality values order the offers; q=0 refuses one', () => {
  assert.equal(preferredMediaType('application/json;q=0.5, application/pkix-cert', OFFERS), 'application/pkix-cert');
  assert.equal(preferredMediaType('application/json;q=0, application/*;q=0.2', OFFERS), 'application/pkix-cert');
  assert.equal(preferredMediaType('APPLICATION/PKIX-CERT; Q=0.9, text/html', OFFERS), 'application/pkix-cert');
});

test('nothing acceptable, or garbage, falls back to the first offer', () => {
  assert.equal(preferredMediaType('text/html', OFFERS), 'application/json');
  assert.equal(preferredMediaType('nonsense, ;;;, /', OFFERS), 'application/json');
});
