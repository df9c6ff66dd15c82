import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { isPlainObject, unknownFieldErrors } from '@bss/contracts';
import { callbackTargetProblem, CallbackSubscription } from '@bss/order-tracking';
import { ApiKeyGuard } from '../http/api-key.guard';
import { ClientId } from '../http/client-identity';
import { fromTrackingStore, TrackingStores } from './tracking-stores';

/**
 * A client's callbacks: every state change of its orders is POSTed to each of its URLs, signed with
 * the subscription's secret (shown once, when it is created).
 */
@ApiTags('callbacks')
@ApiSecurity('api-key')
@Controller('api/v1/callbacks')
@UseGuards(ApiKeyGuard)
export class CallbacksController {
  constructor(private readonly stores: TrackingStores) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Register a URL that is told every state change of this key's orders" })
  @ApiBody({ schema: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', format: 'uri' } } } })
  @ApiResponse({ status: 201, description: '{ id, url, format, createdAt, secret }: the secret signs every delivery (X-BSS-Signature)' })
  @ApiResponse({ status: 400, description: 'Not an http(s) URL, or one with credentials' })
  async register(@Body() body: unknown, @ClientId() clientId: string) {
    if (!isPlainObject(body)) throw new BadRequestException('the body must be a JSON object { "url": ... }');
    const extra = unknownFieldErrors(body, ['url']);
    if (extra.length > 0) throw new BadRequestException(`unknown fields: ${extra.map((error) => error.field).join(', ')}`);
    const problem = callbackTargetProblem(body['url']);
    if (problem) throw new BadRequestException(problem);
    const subscription = await fromTrackingStore(() => this.stores.callbacks.subscribe(clientId, body['url'] as string, 'order-state'));
    return { ...publicViewOf(subscription), secret: subscription.secret };
  }

  @Get()
  @ApiOperation({ summary: "This key's callbacks (without their secrets)" })
  async list(@ClientId() clientId: string) {
    const subscriptions = await fromTrackingStore(() => this.stores.callbacks.subscriptionsOf(clientId, 'order-state'));
    return { callbacks: subscriptions.map(publicViewOf) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop a callback; deliveries still pending for it are dropped' })
  @ApiResponse({ status: 404, description: 'No such callback for this key' })
  async remove(@Param('id') id: string, @ClientId() clientId: string): Promise<void> {
    const removed = await fromTrackingStore(() => this.stores.callbacks.unsubscribe(clientId, id));
    if (!removed) throw new NotFoundException(`no callback ${id} for this API key`);
  }
}

function publicViewOf(subscription: CallbackSubscription) {
  const { id, url, format, createdAt } = subscription;
  return { id, url, format, createdAt };
}
