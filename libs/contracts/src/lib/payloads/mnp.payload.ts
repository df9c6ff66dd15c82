import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import {
  CUSTOMER_ID_FORMAT_HINT,
  CUSTOMER_ID_PATTERN,
  DiffersFrom,
  IsCalendarDate,
  MSISDN_FORMAT_HINT,
  MSISDN_PATTERN,
  OPERATOR_CODES,
  OperatorCode,
  PLAN_CODE_FORMAT_HINT,
  PLAN_CODE_PATTERN,
} from './field-rules';

/** A port-in: the number moves from the donor operator to us through the national clearing house. */
export class MnpPayload {
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: `customerId must be ${CUSTOMER_ID_FORMAT_HINT}` })
  customerId!: string;

  @IsString()
  @Matches(MSISDN_PATTERN, { message: `msisdn must be ${MSISDN_FORMAT_HINT}` })
  msisdn!: string;

  @IsIn(OPERATOR_CODES, { message: `donorOperator must be one of ${OPERATOR_CODES.join(', ')}` })
  donorOperator!: OperatorCode;

  @IsIn(OPERATOR_CODES, { message: `recipientOperator must be one of ${OPERATOR_CODES.join(', ')}` })
  @DiffersFrom('donorOperator')
  recipientOperator!: OperatorCode;

  @IsString()
  @Matches(PLAN_CODE_PATTERN, { message: `planCode must be ${PLAN_CODE_FORMAT_HINT}` })
  planCode!: string;

  @IsOptional()
  @IsCalendarDate()
  requestedPortDate?: string;
}
