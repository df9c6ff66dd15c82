import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/*
 * The same checks as producer-api's strict JSON parser (apps/producer-api/src/app/http/strict-json-parser.ts):
 * fatal UTF-8 decoding, a nesting bound scanned before parsing, prototype keys refused. Restated here
 * because module boundaries forbid importing an app; the ceiling must pay the same parsing cost.
 */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const MAX_JSON_DEPTH = 32;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function installStrictJsonParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      const text = strictUtf8.decode(body as Buffer);
      if (nestingDepth(text) > MAX_JSON_DEPTH) throw Object.assign(new Error('JSON is nested too deeply'), { statusCode: 400 });
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }), undefined);
    }
  });
}

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
