import { IsObject, IsOptional, IsString, Matches, MaxLength, registerDecorator, ValidationArguments } from 'class-validator';

export const SEED_ATTRIBUTE_LIMITS = { maxDepth: 4, maxEntries: 200 } as const;

/**
 * What the seed's `/api/message` carries: free text plus free attributes. Kept as its own payload
 * schema so existing clients keep working while typed orders use the per-type payloads.
 */
export class SeedMessagePayload {
  @IsString()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxLength(4000)
  content!: string;

  @IsOptional()
  @IsObject({ message: 'attributes must be an object' })
  @IsModestObject()
  attributes?: Record<string, unknown>;
}

/** Free-form attributes stay small: bounded nesting and entry count, so one message cannot bloat the queue. */
function IsModestObject() {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isModestObject',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => withinLimits(value),
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} may nest at most ${SEED_ATTRIBUTE_LIMITS.maxDepth} levels and hold at most ${SEED_ATTRIBUTE_LIMITS.maxEntries} entries`,
      },
    });
  };
}

function withinLimits(value: unknown): boolean {
  let entries = 0;
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: unknown; depth: number };
    if (typeof node !== 'object' || node === null) continue;
    if (depth > SEED_ATTRIBUTE_LIMITS.maxDepth) return false;
    const children = Object.values(node);
    entries += children.length;
    if (entries > SEED_ATTRIBUTE_LIMITS.maxEntries) return false;
    for (const child of children) pending.push({ node: child, depth: depth + 1 });
  }
  return true;
}
