import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { maskCustomerId, maskMsisdn, maskMsisdnsInText, maskName, maskPersonalData, maskPersonalDataInText } from './masking';
import { resolveCorrelationId } from './correlation';

describe('masking', () => {
  it.each([
    ['010-1234-5678', '010-****-5678'],
    ['01012345678', '010****5678'],
    ['011-123-4567', '011-***-4567'],
    ['not a number', '************'],
  ])('masks %s as %s', (msisdn, masked) => {
    expect(maskMsisdn(msisdn)).toBe(masked);
  });

  it('masks customer ids and names', () => {
    expect(maskCustomerId('C00012345')).toBe('C0*****45');
    expect(maskCustomerId('C123456789012')).toBe('C1*********12');
    expect(maskCustomerId('C1234')).toBe('*****');
    expect(maskName('김민수')).toBe('김**');
  });

  it('masks personal fields at any depth and leaves the rest', () => {
    const payload = {
      customerId: 'C00011111',
      msisdn: '010-2222-3333',
      changeKind: 'FAMILY',
      newHolder: { customerId: 'C00022222', name: '김민수', relationship: 'CHILD' },
    };
    expect(maskPersonalData(payload)).toEqual({
      customerId: 'C0*****11',
      msisdn: '010-****-3333',
      changeKind: 'FAMILY',
      newHolder: { customerId: 'C0*****22', name: '김**', relationship: 'CHILD' },
    });
    expect(payload.msisdn).toBe('010-2222-3333');
  });

  it('masks MSISDNs inside free text', () => {
    expect(maskMsisdnsInText('number 01098765432 is not portable')).toBe('number 010****5432 is not portable');
  });

  it('masks MSISDNs and customer ids inside free text', () => {
    expect(maskPersonalDataInText('C0005432101 owns 010-9876-5432, not C99900001')).toBe('C0*******01 owns 010-****-5432, not C9*****01');
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line with service, level word and redacted credentials', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: 'test-service', level: 'info', destination });
    logger.info({ headers: { authorization: 'Bearer secret-token' }, orderId: 'o-1' }, 'order accepted');
    logger.debug('not written at info');
    const [line] = lines.map((text) => JSON.parse(text));
    expect(lines).toHaveLength(1);
    expect(line).toMatchObject({ level: 'info', service: 'test-service', msg: 'order accepted', orderId: 'o-1' });
    expect(line.headers.authorization).toBe('[redacted]');
    expect(typeof line.time).toBe('string');
  });

  it('redacts credentials at the top level, in headers and in request headers, and leaves every other field whole', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: 'test-service', level: 'info', destination });
    logger.info(
      {
        password: 'p4ss',
        apiKey: 'key-1',
        authorization: 'Bearer top',
        headers: { 'x-api-key': 'key-2', 'content-type': 'application/json' },
        req: { headers: { authorization: 'Bearer nested', 'x-api-key': 'key-3' }, url: '/api/v1/orders' },
        orderId: 'o-2',
        budget: { ratePerSecond: 50 },
      },
      'request refused',
    );
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      password: '[redacted]',
      apiKey: '[redacted]',
      authorization: '[redacted]',
      headers: { 'x-api-key': '[redacted]', 'content-type': 'application/json' },
      req: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' }, url: '/api/v1/orders' },
      orderId: 'o-2',
      budget: { ratePerSecond: 50 },
      msg: 'request refused',
    });
    expect(lines[0]).not.toMatch(/p4ss|key-\d|Bearer/);
  });
});

describe('resolveCorrelationId', () => {
  it('keeps a sane caller id and replaces anything else', () => {
    expect(resolveCorrelationId('req-42.a:b')).toBe('req-42.a:b');
    expect(resolveCorrelationId('bad id with spaces')).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveCorrelationId(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
