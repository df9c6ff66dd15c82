import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { parseOrderType } from '@bss/contracts';
import { CapacityGate } from './capacity-gate';
import { FaultInjector } from './fault-injector';
import { OrderLedger } from './order-ledger';

/** Read side of the ledger, for tests, the load generator's report and operators. */
@Controller('api/v1/ledger')
export class LedgerController {
  constructor(
    private readonly ledger: OrderLedger,
    private readonly gate: CapacityGate,
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
    return { ...this.ledger.stats(), capacity: this.gate.stats(), faults: this.faults.stats() };
  }

  /** Every entry of one order id: exactly one for an order handled once. */
  @Get(':orderId')
  find(@Param('orderId') orderId: string) {
    const entries = this.ledger.findByOrder(orderId);
    if (entries.length === 0) throw new NotFoundException(`order ${orderId} has not been handled`);
    return { orderId, entries };
  }
}

function toBoundedInt(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
