import { MalformedJsonError, MAX_JSON_DEPTH, parseStrictJson } from './strict-json';

describe('parseStrictJson', () => {
  it('parses ordinary JSON, brackets inside strings included', () => {
    expect(parseStrictJson(Buffer.from('{"a":[1,{"b":"[[[{{{"}],"c":"\\"]"}'))).toEqual({ a: [1, { b: '[[[{{{' }], c: '"]' });
  });

  it('refuses invalid UTF-8, empty bodies and broken JSON, saying which', () => {
    expect(() => parseStrictJson(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]))).toThrow(new MalformedJsonError('Body is not valid UTF-8'));
    expect(() => parseStrictJson(Buffer.from('  '))).toThrow(/Body is empty/);
    expect(() => parseStrictJson(Buffer.from('{"a":'))).toThrow(/Body is not valid JSON/);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels without recursing`, () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(() => parseStrictJson(Buffer.from(deep))).toThrow(/nested deeper/);
    const allowed = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(() => parseStrictJson(Buffer.from(allowed))).not.toThrow();
  });

  it('refuses prototype pollution keys', () => {
    expect(() => parseStrictJson(Buffer.from('{"__proto__":{"admin":true}}'))).toThrow(/not valid JSON/);
    expect(() => parseStrictJson(Buffer.from('{"constructor":{"prototype":{"x":1}}}'))).toThrow(/not valid JSON/);
  });
});
