import Fastify, { FastifyInstance } from 'fastify';
import { installStrictJsonParser } from './strict-json-parser';

describe('installStrictJsonParser', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    installStrictJsonParser(fastify);
    fastify.post('/echo', async (request) => ({ received: request.body }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());

  const post = (contentType: string, payload = '{"타입":"MNP"}') => fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/json ; charset="utf-8"', 'application/merge-patch+json; charset=utf-8'])(
    'parses a JSON body sent as %s',
    async (contentType) => {
      const response = await post(contentType);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: { 타입: 'MNP' } });
    },
  );

  it.each(['application/jsonp', 'application/json-seq', 'text/json', 'application/x-json'])('leaves %s unparsed (415)', async (contentType) => {
    expect((await post(contentType)).statusCode).toBe(415);
  });

  it('answers 400 naming the defect of a malformed body, whatever the charset parameter', async () => {
    const response = await post('application/json; charset=utf-8', '{"타입":');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BAD_JSON_BODY', message: expect.stringMatching(/not valid JSON/) });
  });
});
