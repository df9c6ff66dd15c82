import { BadRequestException, Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_MESSAGE, isIdempotencyKey, ORDER_TYPES } from '@bss/contracts';
import { clientViewOf, TrackedOrder } from '@bss/order-tracking';
import { ApiKeyGuard } from '../http/api-key.guard';
import { ClientId } from '../http/client-identity';
import { orderIdFor } from '../intake/order-id';
import { fromTrackingStore, TrackingStores } from './tracking-stores';

const ORDER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where a client follows its orders: the current state and the whole timeline, for its own orders
 * only. Another key's order answers 404 like an unknown one, so ids reveal nothing.
 */
@ApiTags('orders')
@ApiSecurity('api-key')
@Controller('api/v1/orders')
@UseGuards(ApiKeyGuard)
export class OrderStatusController {
  constructor(private readonly stores: TrackingStores) {}

  @Get()
  @ApiOperation({ summary: "The client's orders placed with one idempotency key (one per order type at most)" })
  @ApiQuery({ name: 'idempotencyKey', required: true })
  @ApiResponse({ status: 200, description: '{ orders: [ { orderId, type, state, stateAt, final, attempt, timeline, ... } ] }' })
  @ApiResponse({ status: 404, description: 'No order of this client carries the key' })
  async byIdempotencyKey(@Query('idempotencyKey') idempotencyKey: string | undefined, @ClientId() clientId: string) {
    if (typeof idempotencyKey !== 'string' || !isIdempotencyKey(idempotencyKey)) {
      throw new BadRequestException(`idempotencyKey query parameter: ${IDEMPOTENCY_KEY_MESSAGE}`);
    }
    const ids = ORDER_TYPES.map((type) => orderIdFor(type, idempotencyKey));
    const orders = ownedBy(clientId, await fromTrackingStore(() => this.stores.orders.findAny(ids)));
    if (orders.length === 0) throw new NotFoundException(`no order with idempotency key ${idempotencyKey} is known for this API key`);
    return { orders: orders.map(clientViewOf) };
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'An order: its state and timeline; within a second of each transition' })
  @ApiResponse({ status: 200, description: '{ orderId, type, state, stateAt, final, attempt, detail, idempotencyKey, correlationId, acceptedAt, summary, timeline }' })
  @ApiResponse({ status: 404, description: 'Unknown order, or one placed with another API key' })
  async byId(@Param('orderId') orderId: string, @ClientId() clientId: string) {
    if (!ORDER_ID_PATTERN.test(orderId)) throw new NotFoundException(`no order ${orderId}: order ids are UUIDs`);
    const [order] = ownedBy(clientId, [await fromTrackingStore(() => this.stores.orders.find(orderId))]);
    if (!order) throw new NotFoundException(`no order ${orderId} is known for this API key`);
    return clientViewOf(order);
  }
}

function ownedBy(clientId: string, orders: readonly (TrackedOrder | undefined)[]): TrackedOrder[] {
  return orders.filter((order): order is TrackedOrder => order !== undefined && order.clientId === clientId);
}
