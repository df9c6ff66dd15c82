import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import { defineOrderType } from './define-order-type';
import { BUSINESS_REGISTRATION_PATTERN, IsCustomerId, IsMsisdn } from '../payloads/field-rules';

export const OWNERSHIP_CHANGE_KINDS = ['PERSONAL', 'CORPORATE', 'FAMILY'] as const;
export type OwnershipChangeKind = (typeof OWNERSHIP_CHANGE_KINDS)[number];

export const FAMILY_RELATIONSHIPS = ['SPOUSE', 'PARENT', 'CHILD', 'SIBLING'] as const;
export type FamilyRelationship = (typeof FAMILY_RELATIONSHIPS)[number];

export class NewHolder {
  @IsCustomerId()
  customerId!: string;

  @IsString()
  @Length(1, 50, { message: 'name must be 1 to 50 characters long' })
  name!: string;

  @IsOptional()
  @IsString()
  @Matches(BUSINESS_REGISTRATION_PATTERN, {
    message: 'businessRegistrationNumber must look like 123-45-67890',
  })
  businessRegistrationNumber?: string;

  @IsOptional()
  @IsIn(FAMILY_RELATIONSHIPS, { message: `relationship must be one of ${FAMILY_RELATIONSHIPS.join(', ')}` })
  relationship?: FamilyRelationship;
}

/** Change of ownership (명의변경): the line moves from the current holder to a new one. */
export class ChangePayload {
  @IsCustomerId()
  customerId!: string;

  @IsMsisdn()
  msisdn!: string;

  @IsIn(OWNERSHIP_CHANGE_KINDS, { message: `changeKind must be one of ${OWNERSHIP_CHANGE_KINDS.join(', ')}` })
  changeKind!: OwnershipChangeKind;

  @IsDefined({ message: 'newHolder is required' })
  @IsObject({ message: 'newHolder must be an object' })
  @ValidateNested()
  @Type(() => NewHolder)
  @FitsChangeKind()
  newHolder!: NewHolder;
}

/**
 * The new holder's required details depend on the kind of change: a corporate holder needs a
 * business registration number, a family transfer the relationship; nobody transfers to themself.
 */
function FitsChangeKind() {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'fitsChangeKind',
      target: target.constructor,
      propertyName,
      validator: {
        validate(holder: unknown, args: ValidationArguments) {
          return holderProblem(args.object as ChangePayload, holder) === undefined;
        },
        defaultMessage(args: ValidationArguments) {
          return holderProblem(args.object as ChangePayload, args.value) ?? 'newHolder is invalid';
        },
      },
    });
  };
}

function holderProblem(change: ChangePayload, holder: unknown): string | undefined {
  if (!(holder instanceof NewHolder)) return undefined;
  if (holder.customerId === change.customerId) return 'newHolder.customerId must differ from the current customerId';
  if (change.changeKind === 'CORPORATE' && !holder.businessRegistrationNumber) {
    return 'newHolder.businessRegistrationNumber is required for a CORPORATE change';
  }
  if (change.changeKind === 'FAMILY' && !holder.relationship) {
    return 'newHolder.relationship is required for a FAMILY change';
  }
  return undefined;
}

export const CHANGE_ORDER_TYPE = defineOrderType({
  type: 'CHANGE',
  summary: 'change of ownership (명의변경)',
  payload: ChangePayload,
  example: {
    customerId: 'C00011111',
    msisdn: '010-2222-3333',
    changeKind: 'FAMILY',
    newHolder: { customerId: 'C00022222', name: '김민수', relationship: 'CHILD' },
  },
  backendResource: 'ownership-changes',
  businessRejection: 'new holder failed the identity check',
  processor: {
    port: 8083,
    concurrency: 10,
    backendRateLimit: 60,
    backendMaxConcurrency: 20,
    autoscaling: { maxReplicas: 3, queueLengthTarget: 200, activationQueueLength: 10 },
  },
});
