import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/** Deeper than any order needs; deep enough to stop parser and validator recursion attacks. */
export const MAX_JSON_DEPTH = 32;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

class BadJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'BAD_JSON_BODY';
}

/**
 * Replaces Fastify's JSON parser with a stricter one: bytes must be valid UTF-8 (no silent U+FFFD),
 * nesting is bounded before parsing (no stack exhaustion in the parser or the validators), and
 * `__proto__` / `constructor.prototype` keys are refused.
 */
export function installStrictJsonParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseStrictJson(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

export function parseStrictJson(body: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new BadJsonError('Body is not valid UTF-8');
  }
  if (text.trim().length === 0) throw new BadJsonError('Body is empty; a JSON object is expected');
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw new BadJsonError(`JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new BadJsonError(`Body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Deepest bracket nesting outside string literals, found in one pass without parsing. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (character === '{' || character === '[') {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (character === '}' || character === ']') {
      depth -= 1;
    }
  }
  return deepest;
}
