/** How one environment variable is read: its default, how it is parsed and whether it is secret. */
export interface Variable<T> {
  readonly description: string;
  readonly secret: boolean;
  readonly defaultValue: T | undefined;
  parse(raw: string): T;
}

interface Common<T> {
  description: string;
  default?: T;
  secret?: boolean;
}

function variable<T>(options: Common<T>, parse: (raw: string) => T): Variable<T> {
  return { description: options.description, secret: options.secret ?? false, defaultValue: options.default, parse };
}

export function text(options: Common<string> & { pattern?: RegExp; hint?: string }): Variable<string> {
  return variable(options, (raw) => {
    if (options.pattern && !options.pattern.test(raw)) throw new Error(`must be ${options.hint ?? `like ${options.pattern}`}`);
    return raw;
  });
}

export function integer(options: Common<number> & { min: number; max: number }): Variable<number> {
  return variable(options, (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < options.min || value > options.max) {
      throw new Error(`must be an integer from ${options.min} to ${options.max}`);
    }
    return value;
  });
}

/** A plain decimal within bounds, for shares and ratios: `0.1`, `1`, `.25`. */
export function decimal(options: Common<number> & { min: number; max: number }): Variable<number> {
  return variable(options, (raw) => {
    const value = Number(raw);
    if (!/^\d*\.?\d+$/.test(raw) || value < options.min || value > options.max) {
      throw new Error(`must be a number from ${options.min} to ${options.max}`);
    }
    return value;
  });
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

export function flag(options: Common<boolean>): Variable<boolean> {
  return variable(options, (raw) => {
    const word = raw.toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    throw new Error(`must be one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`);
  });
}

export function oneOf<const V extends string>(values: readonly V[], options: Common<V>): Variable<V> {
  return variable(options, (raw) => {
    const match = values.find((value) => value === raw.toLowerCase() || value === raw);
    if (!match) throw new Error(`must be one of ${values.join(', ')}`);
    return match;
  });
}

export function url(options: Common<string> & { protocols: readonly string[] }): Variable<string> {
  return variable(options, (raw) => parseUrl(raw, options.protocols));
}

/** Comma-separated URLs, at least one, each of an allowed protocol: `amqp://a:5672,amqp://b:5672`. */
export function urlList(options: Common<string[]> & { protocols: readonly string[] }): Variable<string[]> {
  return variable(options, (raw) => {
    const items = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    if (items.length === 0) throw new Error('must name at least one URL');
    return items.map((item, index) => {
      try {
        return parseUrl(item, options.protocols);
      } catch (error) {
        throw new Error(items.length > 1 ? `item ${index + 1} ${(error as Error).message}` : (error as Error).message);
      }
    });
  });
}

function parseUrl(raw: string, protocols: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`must be a URL (${protocols.map((protocol) => `${protocol}//...`).join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new Error(`must use ${protocols.join(' or ')}, not ${parsed.protocol}`);
  }
  return raw;
}

/** Comma-separated values; blanks are dropped so `A,,B` and a trailing comma are harmless. */
export function list(options: Common<string[]> & { itemPattern?: RegExp; itemHint?: string }): Variable<string[]> {
  return variable(options, (raw) => {
    const items = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    const bad = options.itemPattern ? items.filter((item) => !options.itemPattern?.test(item)) : [];
    if (bad.length > 0) throw new Error(`has ${bad.length} item(s) that are not ${options.itemHint ?? 'valid'}`);
    return items;
  });
}

/** Comma-separated integers, each within bounds: `1000,4000,16000`. */
export function integerList(options: Common<number[]> & { min: number; max: number; minItems: number }): Variable<number[]> {
  return variable(options, (raw) => {
    const items = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    const values = items.map(Number);
    const valid = items.every((item, index) => /^\d+$/.test(item) && values[index] >= options.min && values[index] <= options.max);
    if (!valid || values.length < options.minItems) {
      throw new Error(`must be at least ${options.minItems} comma-separated integers from ${options.min} to ${options.max}`);
    }
    return values;
  });
}
