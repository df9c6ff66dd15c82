import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { isPlainObject, parseOrderType, OrderType } from '@bss/contracts';
import { Fault, FaultInjector } from './fault-injector';

/**
 * Switches failures on and off: `PUT {status, types?, durationMs?}` makes matching calls answer
 * `status` (e.g. 503 for 20 s, or 500 for MNP until cleared); `DELETE` clears.
 */
@Controller('api/v1/faults')
export class FaultsController {
  constructor(private readonly faults: FaultInjector) {}

  @Get()
  current() {
    return this.faults.stats();
  }

  @Put()
  set(@Body() body: unknown) {
    const fault = parseFault(body);
    this.faults.set(fault);
    return fault;
  }

  @Delete()
  @HttpCode(204)
  clear(): void {
    this.faults.clear();
  }
}

function parseFault(body: unknown): Fault {
  if (!isPlainObject(body)) throw new BadRequestException('body must be { status, types?, durationMs? }');
  const { status, types, durationMs } = body;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new BadRequestException('status must be an HTTP error status (400-599)');
  }
  if (durationMs !== undefined && (typeof durationMs !== 'number' || durationMs <= 0)) {
    throw new BadRequestException('durationMs must be a positive number');
  }
  let orderTypes: OrderType[] | undefined;
  if (types !== undefined) {
    orderTypes = Array.isArray(types) ? types.map(parseOrderType).filter((type): type is OrderType => type !== undefined) : [];
    if (orderTypes.length === 0 || orderTypes.length !== (types as unknown[]).length) {
      throw new BadRequestException('types must be a non-empty list of order types');
    }
  }
  return {
    status,
    ...(orderTypes ? { types: orderTypes } : {}),
    ...(durationMs ? { until: new Date(Date.now() + durationMs).toISOString() } : {}),
  };
}
