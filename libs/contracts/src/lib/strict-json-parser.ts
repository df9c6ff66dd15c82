import { MalformedJsonError, parseStrictJson } from './strict-json';
import type { FastifyInstance } from 'fastify';

/**
 * Fastify tests a RegExp parser against the whole normalised header (`application/json; charset="utf-8"`),
 * not just the media type, so parameters must be allowed after it.
 */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:;|$)/i;

/** Fastify's error contract: a `statusCode` on the error becomes the response status. */
class BadJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'BAD_JSON_BODY';
}

/**
 * Replaces Fastify's JSON parser with the contracts' strict one; a malformed body is a 400 naming its
 * defect. producer-api parses order bodies with it, and so does the benchmark's bare intake, which must
 * pay the same cost.
 */
export function installStrictJsonParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseStrictJson(body as Buffer));
    } catch (error) {
      done(error instanceof MalformedJsonError ? new BadJsonError(error.message) : (error as Error), undefined);
    }
  });
}
