import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FieldError } from '@bss/contracts';
import { isProductOrderState, PRODUCT_ORDER_PATH, PRODUCT_ORDER_STATES } from '@bss/order-tracking';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../http/api-key.guard';
import { ClientId } from '../http/client-identity';
import { CorrelationId } from '../http/correlation';
import { OrderIntakeService } from '../intake/order-intake.service';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { fromTrackingStore, TrackingStores } from '../tracking/tracking-stores';
import { selectAttributes } from './attribute-selection';
import { ITEM_MAPPING } from './item-mapping';
import { ProductOrderIntake } from './product-order-intake';
import { parseProductOrder } from './product-order-request';
import { TmfError, TmfErrorFilter } from './tmf-error';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_LIMIT = 20;
const MOST_LIMIT = 100;

/**
 * TMF622 v4 Product Ordering: a product order's items become our orders (see ITEM_MAPPING), placed on
 * the same pipeline as v1, and its state is its orders' states. Every product order belongs to the API
 * key that placed it; another key's is 404, like an unknown one.
 */
@ApiTags('tmf622')
@ApiSecurity('api-key')
@Controller(PRODUCT_ORDER_PATH.slice(1))
@UseGuards(ApiKeyGuard)
@UseFilters(TmfErrorFilter)
export class ProductOrderController {
  constructor(
    private readonly placing: ProductOrderIntake,
    private readonly intake: OrderIntakeService,
    private readonly stores: TrackingStores,
    @Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a ProductOrder (TMF622 ProductOrder_Create); each item becomes one order' })
  @ApiBody({ schema: { type: 'object', required: ['productOrderItem'], description: `Items map by productOffering.id and action: ${describeMapping()}` } })
  @ApiResponse({ status: 201, description: 'The ProductOrder: acknowledged, or pending (with Retry-After) while some item must be resent' })
  @ApiResponse({ status: 400, description: 'TMF Error naming every bad attribute and item; nothing queued' })
  @ApiResponse({ status: 409, description: 'A resend (same externalId) with other items' })
  @ApiResponse({ status: 503, description: 'TMF Error: not accepted, nothing queued or stored; resend after Retry-After' })
  async create(@Body() body: unknown, @CorrelationId() correlationId: string, @ClientId() clientId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const parsed = parseProductOrder(body, this.config.BATCH_MAX_ITEMS);
    if (!parsed.ok) {
      this.intake.recordInvalid(body);
      throw invalidProductOrder(parsed.errors);
    }
    const placed = await this.placing.place(parsed.order, correlationId, clientId);
    void reply.header('Location', placed.productOrder.href);
    if (!placed.complete) void reply.header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    return placed.productOrder;
  }

  @Get()
  @ApiOperation({ summary: "This key's product orders, newest first" })
  @ApiQuery({ name: 'state', required: false, enum: [...PRODUCT_ORDER_STATES] })
  @ApiQuery({ name: 'fields', required: false, description: 'Comma-separated attributes to return (id, href and @type always)' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MOST_LIMIT}, ${DEFAULT_LIMIT} by default` })
  @ApiResponse({ status: 200, description: 'An array of ProductOrder; X-Total-Count (all matching) and X-Result-Count (in this answer)' })
  async list(
    @Query('state') state: unknown,
    @Query('fields') fields: unknown,
    @Query('offset') offset: unknown,
    @Query('limit') limit: unknown,
    @ClientId() clientId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (state !== undefined && !isProductOrderState(state)) throw invalidQuery(`state must be one of ${PRODUCT_ORDER_STATES.join(', ')}`);
    const page = { offset: wholeNumber(offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER), limit: wholeNumber(limit, 'limit', DEFAULT_LIMIT, 1, MOST_LIMIT) };
    const selection = textOrUndefined(fields, 'fields');
    const found = await this.readStore(() => this.stores.productOrders.list(clientId, { ...page, ...(state ? { state } : {}) }));
    void reply.header('X-Total-Count', String(found.total)).header('X-Result-Count', String(found.productOrders.length));
    return found.productOrders.map((productOrder) => selectAttributes(productOrder, selection));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A ProductOrder, its state computed from its orders’ tracked states' })
  @ApiQuery({ name: 'fields', required: false })
  @ApiResponse({ status: 404, description: 'TMF Error: unknown, or placed with another API key' })
  async byId(@Param('id') id: string, @Query('fields') fields: unknown, @ClientId() clientId: string) {
    const selection = textOrUndefined(fields, 'fields');
    const productOrder = UUID_PATTERN.test(id) ? await this.readStore(() => this.stores.productOrders.find(clientId, id)) : undefined;
    if (!productOrder) throw new TmfError(404, 'notFound', 'Not found', `no product order ${id} is known for this API key`);
    return selectAttributes(productOrder, selection);
  }

  private readStore<T>(work: () => Promise<T>): Promise<T> {
    return fromTrackingStore(async () => {
      await this.stores.productOrders.ready();
      return work();
    });
  }
}

/** 400 naming every bad attribute and item: `reason` lists the items, `message` every problem. */
function invalidProductOrder(errors: readonly FieldError[]): TmfError {
  const items = [...new Set(errors.map((error) => /^productOrderItem\[\d+\]/.exec(error.field)?.[0]).filter((item) => item !== undefined))];
  const reason = items.length > 0 ? `Invalid product order: ${items.join(', ')} cannot be ordered as sent` : 'Invalid product order';
  const message = errors.map((error) => `${error.field}: ${error.messages.join('; ')}`).join(' | ');
  return new TmfError(400, 'invalidProductOrder', reason, message);
}

function invalidQuery(message: string): TmfError {
  return new TmfError(400, 'invalidQuery', 'Invalid query parameter', message);
}

function wholeNumber(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) throw invalidQuery(`${name} must be a whole number from ${min} to ${max}`);
  return number;
}

function textOrUndefined(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw invalidQuery(`${name} must be given once`);
}

function describeMapping(): string {
  return ITEM_MAPPING.map((rule) => `${rule.action} ${rule.offering} → ${rule.type}`).join('; ');
}
