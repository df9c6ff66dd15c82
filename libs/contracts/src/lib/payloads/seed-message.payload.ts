import { IsObject, IsOptional, IsString, MaxLength, Matches } from 'class-validator';

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
  attributes?: Record<string, unknown>;
}
