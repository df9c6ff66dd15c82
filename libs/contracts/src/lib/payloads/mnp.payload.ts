import { IsIn, IsOptional } from 'class-validator';
import { DiffersFrom, IsCalendarDate, IsCustomerId, IsMsisdn, IsPlanCode, OPERATOR_CODES, OperatorCode } from './field-rules';

/** A port-in: the number moves from the donor operator to us through the national clearing house. */
export class MnpPayload {
  @IsCustomerId()
  customerId!: string;

  @IsMsisdn()
  msisdn!: string;

  @IsIn(OPERATOR_CODES, { message: `donorOperator must be one of ${OPERATOR_CODES.join(', ')}` })
  donorOperator!: OperatorCode;

  @IsIn(OPERATOR_CODES, { message: `recipientOperator must be one of ${OPERATOR_CODES.join(', ')}` })
  @DiffersFrom('donorOperator')
  recipientOperator!: OperatorCode;

  @IsPlanCode()
  planCode!: string;

  @IsOptional()
  @IsCalendarDate()
  requestedPortDate?: string;
}
