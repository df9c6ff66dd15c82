import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { isPlainObject, parseOrderType, OrderType } from '@bss/contracts';
import { Fault, FaultInjector } from './fault-injector';
import { CapacityLoss, OverloadModel } from './overload-model';

/**
 * Switches failures on and off: `PUT {status, types?, durationMs?}` makes matching calls answer
 * `status` (e.g. 503 for 20 s, or 500 for MNP until cleared); `DELETE` clears. `PUT /capacity
 * {factor, types?, durationMs?}` leaves the backend `factor` of its capacity (0.5: half) and it
 * overloads accordingly; `DELETE /capacity` gives it back.
 */
@Controller('api/v1/faults')
export class FaultsController {
  constructor(
    private readonly faults: FaultInjector,
    private readonly model: OverloadModel,
  ) {}

  @Get()
  current() {
    const loss = this.model.capacityLoss();
    return { ...this.faults.stats(), ...(loss ? { capacityLoss: describeLoss(loss) } : {}) };
  }

  @Put('capacity')
  reduceCapacity(@Body() body: unknown) {
    const loss = parseCapacityLoss(body);
    this.model.reduceCapacity(loss);
    return describeLoss(loss);
  }

  @Delete('capacity')
  @HttpCode(204)
  restoreCapacity(): void {
    this.model.restoreCapacity();
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

function describeLoss(loss: CapacityLoss) {
  return { factor: loss.factor, ...(loss.types ? { types: loss.types } : {}), ...(loss.untilMs !== undefined ? { until: new Date(loss.untilMs).toISOString() } : {}) };
}

function parseTypes(types: unknown): OrderType[] | undefined {
  if (types === undefined) return undefined;
  const orderTypes = Array.isArray(types) ? types.map(parseOrderType).filter((type): type is OrderType => type !== undefined) : [];
  if (orderTypes.length === 0 || orderTypes.length !== (types as unknown[]).length) throw new BadRequestException('types must be a non-empty list of order types');
  return orderTypes;
}

function parseDuration(durationMs: unknown): number | undefined {
  if (durationMs !== undefined && (typeof durationMs !== 'number' || durationMs <= 0)) throw new BadRequestException('durationMs must be a positive number');
  return durationMs;
}

function parseCapacityLoss(body: unknown): CapacityLoss {
  if (!isPlainObject(body)) throw new BadRequestException('body must be { factor, types?, durationMs? }');
  const { factor, types, durationMs } = body;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) throw new BadRequestException('factor must be a number between 0 and 1 (0.5 leaves half the capacity)');
  const orderTypes = parseTypes(types);
  const duration = parseDuration(durationMs);
  return { factor, ...(orderTypes ? { types: orderTypes } : {}), ...(duration ? { untilMs: Date.now() + duration } : {}) };
}

function parseFault(body: unknown): Fault {
  if (!isPlainObject(body)) throw new BadRequestException('body must be { status, types?, durationMs? }');
  const { status, types, durationMs } = body;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new BadRequestException('status must be an HTTP error status (400-599)');
  }
  const orderTypes = parseTypes(types);
  const duration = parseDuration(durationMs);
  return {
    status,
    ...(orderTypes ? { types: orderTypes } : {}),
    ...(duration ? { until: new Date(Date.now() + duration).toISOString() } : {}),
  };
}
