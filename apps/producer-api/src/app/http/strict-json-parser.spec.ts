import { MAX_JSON_DEPTH, parseStrictJson } from './strict-json-parser';

describe('parseStrictJson', () => {
  it('parses ordinary JSON, brackets inside strings included', () => {
    expect(parseStrictJson(Buffer.from('{"a":[1,{"b":"[[[{{{"}],"c":"\\"]"}'))).toEqual({ a: [1, { b: '[[[{{{' }], c: '"]' });
  });

  it('refuses invalid UTF-8, empty bodies and broken JSON with a 400', () => {
    for (const body of [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), Buffer.from('  '), Buffer.from('{"a":')]) {
      expect(() => parseStrictJson(body)).toThrow(expect.objectContaining({ statusCode: 400 }));
    }
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
