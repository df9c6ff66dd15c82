import { ValidationError } from 'class-validator';

/** One invalid field, named by its path in the request (`payload.newHolder.name`). */
export interface FieldError {
  readonly field: string;
  readonly messages: string[];
}

export function flattenValidationErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own: FieldError[] = error.constraints
      ? [{ field, messages: Object.values(error.constraints).map(describeUnknownProperty) }]
      : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function describeUnknownProperty(message: string): string {
  return message.replace(/^property (\S+) should not exist$/, 'unknown field "$1" is not allowed');
}
