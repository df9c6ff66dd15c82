import { IsString, Matches, ValidationOptions, registerDecorator, ValidationArguments } from 'class-validator';

/** Korean mobile numbers, with or without hyphens: 010-1234-5678, 01012345678, 011-123-4567. */
export const MSISDN_PATTERN = /^01[016789]-?\d{3,4}-?\d{4}$/;
export const MSISDN_FORMAT_HINT = 'a Korean mobile number such as 010-1234-5678 or 01012345678';

/** Customer ids as the CRM issues them: C followed by 8 to 12 digits (C00012345). */
export const CUSTOMER_ID_PATTERN = /^C\d{8,12}$/;
export const CUSTOMER_ID_FORMAT_HINT = 'C followed by 8 to 12 digits, e.g. C00012345';

/** Tariff plan codes from the product catalogue: 5G_STANDARD, LTE_DATA_33. */
export const PLAN_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_]{2,31}$/;
export const PLAN_CODE_FORMAT_HINT = 'upper-case letters, digits and underscores, 3 to 32 long, e.g. 5G_STANDARD';

/** SIM ICCIDs: 89 (telecom) followed by 17 or 18 digits. */
export const ICCID_PATTERN = /^89\d{17,18}$/;

/** Korean business registration numbers: 123-45-67890. */
export const BUSINESS_REGISTRATION_PATTERN = /^\d{3}-?\d{2}-?\d{5}$/;

export const CALENDAR_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Codes of the operators taking part in number portability. */
export const OPERATOR_CODES = ['SKT', 'KT', 'LGU', 'MVNO'] as const;
export type OperatorCode = (typeof OPERATOR_CODES)[number];

export const SALES_CHANNELS = ['SHOP', 'WEB', 'CALL_CENTER', 'PARTNER'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

/** Digits only: the form the backend and the logs' masking work with. */
export function normalizeMsisdn(msisdn: string): string {
  return msisdn.replace(/\D/g, '');
}

/** Fails when the decorated property equals the named sibling property (donor vs recipient operator). */
export function DiffersFrom(siblingPath: string, validationOptions?: ValidationOptions) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'differsFrom',
      target: target.constructor,
      propertyName,
      constraints: [siblingPath],
      options: validationOptions,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return value === undefined || value !== readPath(args.object, siblingPath);
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must differ from ${siblingPath}`;
        },
      },
    });
  };
}

/** Fails when a YYYY-MM-DD string names a day that does not exist (2026-02-30). */
export function IsCalendarDate(validationOptions?: ValidationOptions) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          return typeof value === 'string' && isExistingCalendarDate(value);
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be a calendar date in the form YYYY-MM-DD`;
        },
      },
    });
  };
}

function isExistingCalendarDate(value: string): boolean {
  if (!CALENDAR_DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function readPath(source: object, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], source);
}

function matchesFormat(pattern: RegExp, hint: string): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Matches(pattern, { message: (args: ValidationArguments) => `${args.property} must be ${hint}` })(target, property);
  };
}

/** A CRM customer id (C00012345). */
export const IsCustomerId = () => matchesFormat(CUSTOMER_ID_PATTERN, CUSTOMER_ID_FORMAT_HINT);

/** A Korean mobile number, hyphenated or not. */
export const IsMsisdn = () => matchesFormat(MSISDN_PATTERN, MSISDN_FORMAT_HINT);

/** A tariff plan code from the product catalogue. */
export const IsPlanCode = () => matchesFormat(PLAN_CODE_PATTERN, PLAN_CODE_FORMAT_HINT);
