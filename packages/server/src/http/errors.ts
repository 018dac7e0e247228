import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, type ErrorBody, type ErrorCode } from '@parley/protocol';
import { knownError } from '../core/index.js';

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  extra: { field?: string; retryAfter?: number } = {},
): FastifyReply {
  const body: ErrorBody = { error: { code, message: message ?? ERRORS[code].message, ...extra } };
  if (extra.retryAfter !== undefined) void reply.header('retry-after', String(extra.retryAfter));
  return reply.status(ERRORS[code].status).type('application/json').send(body);
}

/** Fastify's own errors, mapped onto the catalogue. */
const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
};

/** Every failure leaves as `{ "error": { "code", "message" } }` with the catalogue's status. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = knownError(err);
    if (known) return sendError(reply, known.code, known.message, known.details);
    if (err.validation) {
      const first = err.validation[0];
      const where = err.validationContext ?? 'request';
      const path = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : undefined;
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const field = [path, missing ?? extra].filter(Boolean).join('.') || undefined;
      const detail = extra ? `unknown field "${extra}"` : (first?.message ?? 'is invalid');
      return sendError(
        reply,
        'invalid_request',
        `Invalid ${where}${field ? ` field "${field}"` : ''}: ${detail}.`,
        {
          ...(field !== undefined && { field }),
        },
      );
    }
    const mapped = err.code ? FRAMEWORK_CODES[err.code] : undefined;
    if (mapped)
      return sendError(
        reply,
        mapped,
        mapped === 'invalid_request' ? `Invalid body: ${err.message}` : undefined,
      );
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      return sendError(reply, 'invalid_request', err.message);
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'internal_error');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
  );
}
