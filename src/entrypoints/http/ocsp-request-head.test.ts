import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOcspRequestHead } from './ocsp-request-head.js';

const head = (...lines: string[]) => lines.join('\r\n');

test('the two RFC 5019 forms are read, field names in any case', () => {
  assert.deepEqual(readOcspRequestHead(head('POST /ocsp HTTP/1.1', 'Host: ca', 'Content-Type: application/OCSP-request; x=1', 'content-LENGTH: 83')), {
    method: 'POST', target: '/ocsp', contentLength: 83, contentType: 'application/ocsp-request', ifNoneMatch: null, close: false,
  });
  assert.deepEqual(readOcspRequestHead(head('GET /ocsp/MEow%2BTA HTTP/1.1', 'host: ca:8080', 'If-None-Match: "ab"', 'Connection: keep-alive, close')), {
    method: 'GET', target: '/ocsp/MEow%2BTA', contentLength: 0, contentType: '', ifNoneMatch: '"ab"', close: true,
  });
});

test('everything else is left to Node\'s parser', () => {
  const refused: [string, string][] = [
    ['other path', head('POST /ocspx HTTP/1.1', 'Host: a', 'Content-Length: 1')],
    ['trailing slash POST', head('POST /ocsp/ HTTP/1.1', 'Host: a', 'Content-Length: 1')],
    ['GET without request', head('GET /ocsp/ HTTP/1.1', 'Host: a')],
    ['HTTP/1.0', head('POST /ocsp HTTP/1.0', 'Host: a', 'Content-Length: 1')],
    ['HTTP/2 preface', 'PRI * HTTP/2.0'],
    ['other method', head('PUT /ocsp HTTP/1.1', 'Host: a', 'Content-Length: 1')],
    ['lower-case method', head('post /ocsp HTTP/1.1', 'Host: a', 'Content-Length: 1')],
    ['chunked', head('POST /ocsp HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked')],
    ['chunked and length', head('POST /ocsp HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Transfer-Encoding: chunked')],
    ['expect', head('POST /ocsp HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Expect: 100-continue')],
    ['upgrade', head('GET /ocsp/AA HTTP/1.1', 'Host: a', 'Connection: Upgrade', 'Upgrade: websocket')],
    ['no length', head('POST /ocsp HTTP/1.1', 'Host: a')],
    ['two lengths', head('POST /ocsp HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Content-Length: 5')],
    ['signed length', head('POST /ocsp HTTP/1.1', 'Host: a', 'Content-Length: +5')],
    ['GET with body', head('GET /ocsp/AA HTTP/1.1', 'Host: a', 'Content-Length: 5')],
    ['no host', head('POST /ocsp HTTP/1.1', 'Content-Length: 5')],
    ['two hosts', head('POST /ocsp HTTP/1.1', 'Host: a', 'Host: b', 'Content-Length: 5')],
    ['space before colon', head('POST /ocsp HTTP/1.1', 'Host : a', 'Content-Length: 5')],
    ['folded line', head('POST /ocsp HTTP/1.1', 'Host: a', 'X-A: b', ' c', 'Content-Length: 5')],
    ['control character', head('POST /ocsp HTTP/1.1', 'Host: a\x00b', 'Content-Length: 5')],
    ['bare LF inside', 'POST /ocsp HTTP/1.1\nHost: a\r\nContent-Length: 5'],
    ['empty field line', head('POST /ocsp HTTP/1.1', '', 'Host: a', 'Content-Length: 5')],
    ['two spaces in request line', 'POST  /ocsp HTTP/1.1\r\nHost: a\r\nContent-Length: 5'],
  ];
  for (const [name, text] of refused) assert.equal(readOcspRequestHead(text), null, name);
});
