import { BadRequestException } from '@nestjs/common';
import { FieldError } from '@bss/contracts';

/** 400 whose body names every invalid field, so a client can fix all of them in one go. */
export class InvalidRequestException extends BadRequestException {
  constructor(message: string, errors: FieldError[]) {
    super({ statusCode: 400, error: 'Bad Request', message, errors });
  }
}
