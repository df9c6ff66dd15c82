import { FieldError } from '@bss/contracts';
import { SeedAnswer, seedFailure } from './seed-envelope';

/** One item of FastAPI's 422 `detail`, which clients written against the seed print or inspect. */
export interface FastApiErrorDetail {
  readonly loc: (string | number)[];
  readonly msg: string;
  readonly type: 'value_error';
}

export type SeedValidationAnswer = SeedAnswer & { readonly detail?: FastApiErrorDetail[] };

/** Where the invalid fields are: in the body, or (the idempotency key) in a header. */
export type FieldSource = 'body' | 'header';

/**
 * The seed checked a body's schema first (FastAPI: 422 `{"detail": [...]}`) and the type's value only
 * then (`ValueError`). So a body whose only fault is an unknown type string is a ValueError with the
 * seed's words; any other fault is a schema failure, answered with FastAPI's `detail` beside the envelope.
 */
export function seedValidationFailure(body: unknown, errors: FieldError[], source: FieldSource = 'body'): SeedValidationAnswer {
  const unknownType = onlyAnUnknownType(body, errors);
  if (unknownType !== undefined) {
    return seedFailure(`메시지 처리 실패: 유효하지 않은 메시지 타입: ${unknownType}`, 'ValueError', { 오류목록: errors });
  }
  return { ...seedFailure('메시지 검증 실패', 'RequestValidationError', { 오류목록: errors }), detail: fastApiDetail(errors, source) };
}

function onlyAnUnknownType(body: unknown, errors: FieldError[]): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const type = (body as Record<string, unknown>)['타입'];
  const onlyTheType = errors.length > 0 && errors.every((error) => error.field === '타입');
  return onlyTheType && typeof type === 'string' ? type : undefined;
}

export function fastApiDetail(errors: FieldError[], source: FieldSource): FastApiErrorDetail[] {
  return errors.flatMap((error) => error.messages.map((msg) => ({ loc: [source, ...locationOf(error.field, source)], msg, type: 'value_error' as const })));
}

/** `메시지목록[2].속성들` → `['메시지목록', 2, '속성들']`; a body that is not an object is the body itself. */
function locationOf(field: string, source: FieldSource): (string | number)[] {
  if (source === 'body' && field === 'body') return [];
  return field.split(/\.|(?=\[)/).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}
