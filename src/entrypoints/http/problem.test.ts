import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../domain/error-codes.js';
import { DomainError } from '../../domain/errors.js';
import { HTTP_ERROR_CODES, PROBLEMS, PROBLEM_TYPE_BASE, problemFor, problemSchema } from './problem.js';

const request = { url: '/api/v1/things?x=1', id: 'req-1' } as FastifyRequest;

test('every domain and HTTP code has exactly one problem, with an error status', () => {
  assert.deepEqual(Object.keys(PROBLEMS).sort(), [...ERROR_CODES, ...HTTP_ERROR_CODES].sort());
  for (const [code, kind] of Object.entries(PROBLEMS)) {
    assert.ok(kind.status >= 400 && kind.status <= 599, `${code}: ${kind.status}`);
    assert.ok(kind.title.length > 0);
  }
  assert.deepEqual([...problemSchema.properties.code.enum].sort(), Object.keys(PROBLEMS).sort());
});

test('a domain refusal keeps its code and message, with the request path as instance', () => {
  const body = problemFor(new DomainError('mailbox.taken', 'mailbox a@b.test belongs to another subscriber'), request);
  assert.deepEqual(body, {
    type: `${PROBLEM_TYPE_BASE}mailbox.taken`, title: 'Mailbox belongs to another subscriber', status: 409,
    detail: 'mailbox a@b.test belongs to another subscriber', code: 'mailbox.taken', instance: '/api/v1/things', requestId: 'req-1',
  });
});

test('a domain failure with a 5xx status shows its title, not its message', () => {
  const body = problemFor(new DomainError('ca.lint-failed', 'certificate for CN=x fails lint: internal detail'), request);
  assert.equal(body.status, 500);
  assert.equal(body.detail, 'Certificate failed pre-issuance checks');
});

test('unknown errors, and domain codes nobody mapped, are a bare 500', () => {
  for (const error of [new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'), new DomainError('no.such-code', 'x'), 'a string']) {
    const body = problemFor(error, request);
    assert.equal(body.status, 500);
    assert.equal(body.code, 'internal');
    assert.equal(body.detail, 'internal error');
  }
});

test("fastify's refusals map to request codes; validation keeps the validator's message", () => {
  const fastifyError = (code: string, statusCode: number, message = 'm') => Object.assign(new Error(message), { code, statusCode });
  assert.equal(problemFor(fastifyError('FST_ERR_VALIDATION', 400, 'body must have required property \'email\''), request).detail,
    "body must have required property 'email'");
  assert.equal(problemFor(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), request).status, 413);
  assert.equal(problemFor(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), request).code, 'request.malformed-json');
  assert.equal(problemFor(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), request).status, 415);
  const other = problemFor(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Request body size did not match Content-Length'), request);
  assert.deepEqual([other.status, other.code, other.detail], [400, 'request.invalid', 'the request cannot be processed']);
});
