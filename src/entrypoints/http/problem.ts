/**
 * HTTP problem details (RFC 9457): every refusal and failure the HTTP edge returns is an
 * `application/problem+json` document. Domain codes map to a status and title here, once, in one
 * exhaustive table: a new domain code fails compilation until it is mapped.
 *
 * `type` is `https://mcms.invalid/problems/<code>`: an absolute URI under the reserved `.invalid`
 * domain (RFC 6761 §6.4), so it is the same identifier on every deployment, whatever its base URL,
 * and is never dereferenced (RFC 9457 §3.1.1); clients compare it, or the `code` member, as a string.
 * The codes are listed in the OpenAPI document (the `Problem` schema's `code` enum).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../domain/error-codes.js';
import { ERROR_CODES } from '../../domain/error-codes.js';
import { isDomainError } from '../../domain/errors.js';

/** Refusals the HTTP edge makes itself, before any use case runs. */
export const HTTP_ERROR_CODES = [
  'request.invalid',
  'request.malformed-json',
  'request.too-large',
  'request.unsupported-media-type',
  'not-found',
  'internal',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];
export type ProblemCode = ErrorCode | HttpErrorCode;

interface ProblemKind {
  status: number;
  title: string;
}

export const PROBLEMS = {
  'auth.missing-token': { status: 401, title: 'Authentication required' },
  'auth.invalid-token': { status: 401, title: 'Invalid API token' },
  'auth.forbidden': { status: 403, title: 'Not allowed for this role' },
  'operator.exists': { status: 409, title: 'Operator exists' },
  'operator.not-found': { status: 404, title: 'Operator not found' },
  'operator.invalid-role': { status: 400, title: 'Unknown role' },
  'operator.invalid-name': { status: 400, title: 'Invalid operator name' },
  'operator.last-admin': { status: 409, title: 'Last active administrator' },
  'ca.not-initialized': { status: 503, title: 'CA not initialised' },
  'ca.already-issued': { status: 500, title: 'Certificate issuance failed' },
  'ca.lint-failed': { status: 500, title: 'Certificate failed pre-issuance checks' },
  'csr.malformed': { status: 400, title: 'Malformed certificate request' },
  'csr.bad-signature': { status: 400, title: 'Certificate request signature does not verify' },
  'certificate.not-found': { status: 404, title: 'Certificate not found' },
  'certificate.serial-taken': { status: 503, title: 'Serial number collision, try again' },
  'certificate.invalid-filter': { status: 400, title: 'Invalid certificate filter' },
  'profile.unknown': { status: 400, title: 'Unknown certificate profile' },
  'profile.invalid': { status: 500, title: 'Certificate profile misconfigured' },
  'key.rejected': { status: 400, title: 'Public key not accepted' },
  'subscriber.not-found': { status: 404, title: 'Subscriber not found' },
  'subscriber.disabled': { status: 409, title: 'Subscriber disabled' },
  'subscriber.invalid-name': { status: 400, title: 'Invalid subscriber name' },
  'mailbox.invalid': { status: 400, title: 'Invalid mailbox' },
  'mailbox.taken': { status: 409, title: 'Mailbox belongs to another subscriber' },
  'device.not-found': { status: 404, title: 'Device not found' },
  'device.invalid': { status: 400, title: 'Invalid device' },
  'device.inactive': { status: 409, title: 'Device lost or retired' },
  'page.invalid-cursor': { status: 400, title: 'Invalid page cursor' },
  'approval.not-found': { status: 404, title: 'Approval request not found' },
  'approval.already-voted': { status: 409, title: 'Already voted on this request' },
  'approval.own-request': { status: 403, title: 'The requester cannot decide their own request' },
  'approval.closed': { status: 409, title: 'Approval request is closed' },
  'challenge.invalid': { status: 400, title: 'Invalid challenge' },
  'challenge.expired': { status: 400, title: 'Challenge expired' },
  'challenge.used': { status: 409, title: 'Challenge already used' },
  'challenge.locked': { status: 423, title: 'Challenge locked' },
  'challenge.wrong-profile': { status: 400, title: 'Challenge is for another profile' },
  'challenge.invalid-ttl': { status: 400, title: 'Invalid challenge lifetime' },
  'scep.bad-message': { status: 400, title: 'Not a SCEP message this server can read' },
  'scep.transaction-exists': { status: 409, title: 'SCEP transaction exists' },
  'scep.unknown-transaction': { status: 404, title: 'Unknown SCEP transaction' },
  'scep.renewal-refused': { status: 400, title: 'Renewal refused' },
  'escrow.not-found': { status: 404, title: 'No escrowed encryption identity' },
  'escrow.archive-tampered': { status: 500, title: 'Escrow archive fails authentication' },
  'escrow.compromised': { status: 409, title: 'Encryption key is compromised' },
  'escrow.recovery-pending': { status: 403, title: 'Key recovery not approved yet' },
  'escrow.recovery-rejected': { status: 403, title: 'Key recovery was rejected' },
  'job.unknown': { status: 404, title: 'No such job' },
  'job.busy': { status: 409, title: 'Job is running elsewhere' },
  'escrow.recovery-expired': { status: 403, title: 'Key recovery request expired' },
  'escrow.already-exported': { status: 409, title: 'Recovered keys were exported already' },
  'mobileconfig.invalid': { status: 500, title: 'Profile cannot be built' },
  'mobileconfig.not-signable': { status: 500, title: 'Profile cannot be signed' },
  'delivery.link-invalid': { status: 404, title: 'Enrollment link not valid' },
  'delivery.link-used': { status: 410, title: 'Enrollment link used already' },
  'delivery.link-expired': { status: 410, title: 'Enrollment link expired' },
  'delivery.link-revoked': { status: 410, title: 'Enrollment link revoked' },
  'delivery.no-profile-signer': { status: 503, title: 'No profile-signing certificate' },
  'delivery.device-inactive': { status: 409, title: 'Device is not active' },
  'delivery.ota-disabled': { status: 404, title: 'Over-the-air enrollment is off' },
  'delivery.ota-refused': { status: 403, title: 'Over-the-air enrollment refused' },
  'directory.unavailable': { status: 503, title: 'Directory unreachable' },
  'directory.not-configured': { status: 409, title: 'No directory is configured' },
  'directory.not-a-leaver': { status: 409, title: 'Not a leaver in the directory' },
  'expiry.invalid-request': { status: 400, title: 'Invalid expiry request' },
  'revocation.already-revoked': { status: 409, title: 'Certificate revoked already' },
  'revocation.invalid-reason': { status: 400, title: 'Invalid revocation reason' },
  'revocation.reason-not-allowed': { status: 422, title: 'Revocation reason not allowed for this certificate' },
  'revocation.unknown-ca': { status: 404, title: 'No such CA' },
  'device.already-lost': { status: 409, title: 'Device reported lost already' },
  'directory.refused': { status: 502, title: 'The directory refused the operation' },
  'request.invalid': { status: 400, title: 'Invalid request' },
  'request.malformed-json': { status: 400, title: 'Malformed JSON' },
  'request.too-large': { status: 413, title: 'Request body too large' },
  'request.unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'not-found': { status: 404, title: 'Not found' },
  'internal': { status: 500, title: 'Internal server error' },
} as const satisfies Record<ProblemCode, ProblemKind>;

export const PROBLEM_TYPE_BASE = 'https://mcms.invalid/problems/';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  instance?: string;
  requestId?: string;
}

/** The shared schema of a problem document, for response serialisation and the OpenAPI document. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: `${PROBLEM_TYPE_BASE}<code>` },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: [...ERROR_CODES, ...HTTP_ERROR_CODES] },
    instance: { type: 'string', description: 'the request path' },
    requestId: { type: 'string', description: 'the request id, as in the server log' },
  },
} as const;

/** Error responses every documented route may give, by status class. */
export const problemResponses = {
  '4xx': { description: 'Refused', content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: 'Problem#' } } } },
  '5xx': { description: 'Failed', content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: 'Problem#' } } } },
} as const;

function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}

export function problem(code: ProblemCode, detail: string, request?: FastifyRequest): Problem {
  const kind: ProblemKind = PROBLEMS[code];
  const body: Problem = { type: `${PROBLEM_TYPE_BASE}${code}`, title: kind.title, status: kind.status, detail, code };
  if (request) Object.assign(body, { instance: request.url.split('?')[0], requestId: String(request.id) });
  return body;
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_MEDIA_TYPE).send(body);
}

/** Fastify's own refusals (validation, body parsing), by their error code; validation keeps its message. */
const FASTIFY_REFUSALS: Record<string, { code: HttpErrorCode; detail?: string }> = {
  FST_ERR_VALIDATION: { code: 'request.invalid' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'request.malformed-json', detail: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'request.malformed-json', detail: 'the request body is empty but its content type says JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'request.too-large', detail: 'the request body is larger than this server accepts' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'request.unsupported-media-type', detail: 'request bodies must be application/json' },
};

/**
 * Turns any thrown value into a problem. Domain refusals keep their message, which the domain writes
 * for the requester; 5xx problems and unknown errors carry no internals (those go to the log only).
 */
export function problemFor(error: unknown, request: FastifyRequest): Problem {
  if (isDomainError(error) && isProblemCode(error.code)) {
    const code = error.code;
    return problem(code, PROBLEMS[code].status >= 500 ? PROBLEMS[code].title : error.message, request);
  }
  const fastifyError = error as Partial<FastifyError>;
  const refusal = fastifyError.code ? FASTIFY_REFUSALS[fastifyError.code] : undefined;
  if (refusal) return problem(refusal.code, refusal.detail ?? String(fastifyError.message), request);
  // Other client errors fastify raises (bad Content-Length, proto poisoning...): status kept, text generic.
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { ...problem('request.invalid', 'the request cannot be processed', request), status };
  }
  return problem('internal', 'internal error', request);
}

/**
 * Installs the error and not-found handlers on the root instance (children inherit them), and
 * documents the problem responses on every route that has a schema. Call before adding routes.
 */
export function installProblemHandlers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.schema && !route.schema.hide) route.schema.response = { ...problemResponses, ...(route.schema.response as object | undefined) };
  });
  app.setErrorHandler((error, request, reply) => {
    const body = problemFor(error, request);
    // Unmapped domain codes land here too (as 500 `internal`); the log names the code.
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `no route ${request.method} ${request.url.split('?')[0]}`, request)));
}
