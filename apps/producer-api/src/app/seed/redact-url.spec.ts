import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides the password of an AMQP URL and keeps where it connects', () => {
    expect(redactUrl('amqp://bss-producer:s3cr3t-Pa55@rabbitmq:5672/%2F')).toBe('amqp://bss-producer:***@rabbitmq:5672/%2F');
    expect(redactUrl('amqps://guest:guest@127.0.0.1:5671')).toBe('amqps://guest:***@127.0.0.1:5671');
  });

  it('hides credential-like query parameters and keeps the rest', () => {
    const redacted = redactUrl('amqp://rabbit:5672/vhost?heartbeat=3&access_token=abc.def&apiKey=k-123&password=p');
    expect(redacted).toBe('amqp://rabbit:5672/vhost?heartbeat=3&access_token=***&apiKey=***&password=***');
    expect(redacted).not.toMatch(/abc\.def|k-123|=p\b/);
  });

  it('leaves a URL without credentials as it is', () => {
    expect(redactUrl('amqp://rabbit-0:5672')).toBe('amqp://rabbit-0:5672');
  });

  it('hides whole what does not parse as a URL', () => {
    expect(redactUrl('guest:guest@rabbit')).toBe('***');
  });
});
