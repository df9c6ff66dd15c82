import { Body, Controller, Delete, HttpCode, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { isPlainObject, unknownFieldErrors } from '@bss/contracts';
import { callbackTargetProblem, parseHubQuery } from '@bss/order-tracking';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../http/api-key.guard';
import { ClientId } from '../http/client-identity';
import { fromTrackingStore, TrackingStores } from '../tracking/tracking-stores';
import { TmfError, TmfErrorFilter } from './tmf-error';

const HUB_PATH = 'tmf-api/productOrderingManagement/v4/hub';

/**
 * TMF622's hub: a listener registered here is sent a ProductOrderStateChangeEvent for each state change
 * of this key's product orders, signed like our own callbacks with the secret answered once, here.
 */
@ApiTags('tmf622')
@ApiSecurity('api-key')
@Controller(HUB_PATH)
@UseGuards(ApiKeyGuard)
@UseFilters(TmfErrorFilter)
export class HubController {
  constructor(private readonly stores: TrackingStores) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a listener (TMF EventSubscriptionInput)' })
  @ApiBody({ schema: { type: 'object', required: ['callback'], properties: { callback: { type: 'string' }, query: { type: 'string' } } } })
  @ApiResponse({ status: 201, description: 'EventSubscription { id, callback, query } and the secret that signs every event (X-BSS-Signature)' })
  @ApiResponse({ status: 400, description: 'TMF Error: not an http(s) URL, or a query the hub cannot honour' })
  async register(@Body() body: unknown, @ClientId() clientId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!isPlainObject(body)) throw invalidHub('the body must be a JSON object { "callback": ..., "query"?: ... }');
    const extra = unknownFieldErrors(body, ['callback', 'query']);
    if (extra.length > 0) throw invalidHub(`unknown fields: ${extra.map((error) => error.field).join(', ')}`);
    const problem = callbackTargetProblem(body['callback']);
    if (problem) throw invalidHub(problem);
    const query = body['query'];
    if (query !== undefined && typeof query !== 'string') throw invalidHub('query must be a string');
    const parsed = parseHubQuery(query);
    if (!parsed.ok) throw invalidHub(parsed.problem);
    const subscription = await fromTrackingStore(async () => {
      await this.stores.productOrders.ready();
      return this.stores.callbacks.subscribe(clientId, body['callback'] as string, 'tmf622', query);
    });
    void reply.header('Location', `/${HUB_PATH}/${subscription.id}`);
    return { id: subscription.id, callback: subscription.url, ...(subscription.query ? { query: subscription.query } : {}), secret: subscription.secret };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unregister a listener; events still pending for it are dropped' })
  @ApiResponse({ status: 404, description: 'TMF Error: no such listener for this key' })
  async remove(@Param('id') id: string, @ClientId() clientId: string): Promise<void> {
    const removed = await fromTrackingStore(async () => {
      await this.stores.productOrders.ready();
      const subscription = await this.stores.callbacks.subscription(clientId, id);
      return subscription?.format === 'tmf622' && (await this.stores.callbacks.unsubscribe(clientId, id));
    });
    if (!removed) throw new TmfError(404, 'notFound', 'Not found', `no hub listener ${id} for this API key`);
  }
}

function invalidHub(message: string): TmfError {
  return new TmfError(400, 'invalidHub', 'Invalid listener', message);
}
