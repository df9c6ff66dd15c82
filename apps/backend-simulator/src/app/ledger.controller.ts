import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ORDER_TYPES, parseOrderType } from '@bss/contracts';
import { OverloadModel } from './overload-model';
import { FaultInjector } from './fault-injector';
import { OrderLedger } from './order-ledger';

/** Read side of the ledger, for tests, the load generator's report and operators. */
@Controller('api/v1/ledger')
export class LedgerController {
  constructor(
    private readonly ledger: OrderLedger,
    private readonly model: OverloadModel,
    private readonly faults: FaultInjector,
  ) {}

  @Get()
  list(@Query('type') type?: string, @Query('limit') limit = '1000', @Query('offset') offset = '0') {
    const orderType = type === undefined ? undefined : parseOrderType(type);
    if (type !== undefined && !orderType) throw new BadRequestException(`unknown order type: ${type}`);
    const page = { limit: toBoundedInt(limit, 'limit', 1, 100_000), offset: toBoundedInt(offset, 'offset', 0, Number.MAX_SAFE_INTEGER) };
    return { entries: this.ledger.list({ type: orderType, ...page }) };
  }

  @Get('stats')
  stats() {
    const capacity = Object.fromEntries(ORDER_TYPES.map((type) => [type, { ...this.model.capacityOf(type), inFlight: this.model.inFlightOf(type) }]));
    return { ...this.ledger.stats(), capacity, faults: this.faults.stats() };
  }

  @Get(':orderId')
  find(@Param('orderId') orderId: string) {
    const entries = this.ledger.findByOrder(orderId);
    if (entries.length === 0) throw new NotFoundException(`order ${orderId} has not been handled`);
    return { orderId, entries };
  }
}

export function toBoundedInt(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
