import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { parseOrderRequest } from '@bss/contracts';
import { randomUUID } from 'node:crypto';

/** producer-api's single-order endpoint minus the publish: parse, validate, answer 202. */
@Controller()
export class BareOrdersController {
  @Post('api/v1/orders')
  @HttpCode(202)
  submit(@Body() body: unknown, @Headers('x-correlation-id') correlationHeader: string | undefined) {
    const parsed = parseOrderRequest(body);
    if (!parsed.ok) throw new BadRequestException({ message: 'The order is invalid', errors: parsed.errors });
    return { orderId: randomUUID(), type: parsed.request.type, acceptedAt: new Date().toISOString(), correlationId: correlationHeader ?? randomUUID() };
  }

  @Get('ready')
  ready() {
    return { status: 'ok' };
  }
}
