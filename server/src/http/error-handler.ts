import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../../../shared/errors.ts';
import { isStorageFullError, type StorageHealth } from '../health/storage.ts';
import { isDatabaseUnreachable, isPoolExhausted } from '../db/sql/availability.ts';
import { setSecurityHeaders } from './security-headers.ts';

/** Fastify's own error codes mapped to our catalogue, so clients only ever see one shape. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'E_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'E_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'E_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'E_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'E_BAD_REQUEST',
  FST_ERR_VALIDATION: 'E_VALIDATION',
};

export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  if (isStorageFullError(error)) return new AppError('E_STORAGE_FULL');
  // PostgreSQL lost mid-request: a state to retry on another replica, not a bug.
  // Every pooled connection held by slow requests: busy, not lost; retry here or elsewhere.
  if (isPoolExhausted(error)) return Object.assign(new AppError('E_UNAVAILABLE', 'Every database connection of this server is busy; retry shortly.', { reason: 'database_busy' }), { headers: { 'retry-after': '5' } });
  if (isDatabaseUnreachable(error)) return Object.assign(new AppError('E_UNAVAILABLE', 'The database is unreachable; retry shortly.', { reason: 'database_unreachable' }), { headers: { 'retry-after': '5' } });
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return new AppError('E_VALIDATION', error.message, fastifyError.validation.map((v) => ({ path: v.instancePath, message: v.message })));
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return new AppError(mapped, error.message);
  if (error instanceof SyntaxError || (fastifyError.statusCode === 400)) return new AppError('E_BAD_REQUEST', error.message);
  if (fastifyError.statusCode === 429) return new AppError('E_RATE_LIMITED');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError(fastifyError.statusCode === 404 ? 'E_NOT_FOUND' : 'E_BAD_REQUEST', error.message);
  }
  return new AppError('E_INTERNAL');
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a bad Content-Length, a
 * malformed header) get a 400 in our error shape too, not Fastify's own body. Pass as
 * Fastify's `clientErrorHandler`.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const reason =
    error.code === 'HPE_INVALID_CONTENT_LENGTH' || error.code === 'HPE_UNEXPECTED_CONTENT_LENGTH'
      ? 'Invalid Content-Length header.'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'The request was not received in time (headers within 60 s, the whole request within 300 s).'
        : `Malformed HTTP request (${error.code ?? 'parse error'}).`;
  const appError = new AppError('E_BAD_REQUEST', reason);
  const body = JSON.stringify(appError.toBody());
  socket.end(
    `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Errors the router raises before any route runs (a malformed URL, a path parameter
 * longer than the router takes) in our shape too. Pass as Fastify's `frameworkErrors`.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : error.message;
  // No request hook runs for these: the security headers are set here.
  setSecurityHeaders(reply.raw);
  void reply.status(400).send(new AppError('E_BAD_REQUEST', message).toBody());
}

export function installErrorHandling(app: FastifyInstance, storage?: StorageHealth): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    // A full disk is logged once per interval, not once per refused request.
    if (appError.code === 'E_STORAGE_FULL' && storage) storage.reportFull(error);
    // A bug gets the stack; a deliberate 5xx (not ready, shedding load) is a state, not a failure.
    else if (appError.code === 'E_INTERNAL') request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, msg: appError.message }, 'request rejected');
    const headers = (error as AppError & { headers?: Record<string, string> }).headers ?? (appError as AppError & { headers?: Record<string, string> }).headers;
    if (headers) reply.headers(headers);
    void reply.status(appError.status).send(appError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new AppError('E_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
}
