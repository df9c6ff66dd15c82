import secureJson from 'secure-json-parse';

/** Deeper than any order needs; deep enough to stop parser and validator recursion attacks. */
export const MAX_JSON_DEPTH = 32;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A request body that is not the JSON an order can be: the message says what is wrong with it. */
export class MalformedJsonError extends Error {}

/**
 * Parses a request body more strictly than JSON.parse: bytes must be valid UTF-8 (no silent
 * U+FFFD), nesting is bounded before parsing (no stack exhaustion in the parser or the validators),
 * and `__proto__` / `constructor.prototype` keys are refused.
 */
export function parseStrictJson(body: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new MalformedJsonError('Body is not valid UTF-8');
  }
  if (text.trim().length === 0) throw new MalformedJsonError('Body is empty; a JSON object is expected');
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw new MalformedJsonError(`JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new MalformedJsonError(`Body is not valid JSON: ${(error as Error).message}`);
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
