import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError, flattenValidationErrors } from './validation-error';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Validates a plain JSON value against a DTO class. Unknown fields are errors, never silently kept,
 * and the result is a fresh instance holding only declared fields.
 */
export function validateAs<T extends object>(cls: new () => T, raw: unknown, field: string): Validated<T> {
  if (!isPlainObject(raw)) {
    return { ok: false, errors: [{ field, messages: [`${field} must be a JSON object`] }] };
  }
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) return { ok: false, errors: flattenValidationErrors(errors, field) };
  return { ok: true, value: instance };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function unknownFieldErrors(
  body: Record<string, unknown>,
  allowed: readonly string[],
  parentPath = '',
): FieldError[] {
  return Object.keys(body)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({
      field: parentPath ? `${parentPath}.${key}` : key,
      messages: [`unknown field "${key}" is not allowed`],
    }));
}
