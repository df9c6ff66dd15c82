import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { maskPersonalData, maskPersonalDataInText } from '@bss/observability';
import { AuthenticatedRequest, OperatorOnly, OpsAuthGuard } from '../auth/auth.guard';
import { DeadLetterOperations, OperationResult } from '../operations/dead-letter-operations';
import { DeadLetterDetail, DeadLetterSummary } from '../store/dead-letter';
import { DeadLetterStore } from '../store/dead-letter-store';
import { parseFilter, parseId, parseSelection, requirePurgeConfirmation } from './request-parsing';

@Controller('api/v1/dead-letters')
@UseGuards(OpsAuthGuard)
export class DeadLettersController {
  constructor(
    @Inject(DeadLetterStore) private readonly store: DeadLetterStore,
    @Inject(DeadLetterOperations) private readonly operations: DeadLetterOperations,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<{ items: DeadLetterSummary[]; total: number; limit: number; offset: number }> {
    const filter = parseFilter(query);
    return { ...(await this.store.list(filter)), limit: filter.limit, offset: filter.offset };
  }

  @Get(':id')
  async show(@Param('id') id: string): Promise<DeadLetterDetail> {
    const found = await this.store.get(parseId(id));
    if (!found) throw new NotFoundException(`no dead letter ${id}`);
    return { ...found, body: found.bodyEncoding === 'utf8' ? maskedBody(found.body) : found.body };
  }

  @Post('replay')
  @HttpCode(200)
  @OperatorOnly()
  async replay(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<OperationResult> {
    return this.operations.replay(parseSelection(body), actorOf(request));
  }

  @Post('purge')
  @HttpCode(200)
  @OperatorOnly()
  async purge(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<OperationResult> {
    const selection = parseSelection(body);
    requirePurgeConfirmation(body);
    return this.operations.purge(selection, actorOf(request));
  }
}

/** The console shows orders with personal data masked; the stored body, which a replay sends, stays whole. */
function maskedBody(body: string): string {
  try {
    return JSON.stringify(maskPersonalData(JSON.parse(body) as unknown));
  } catch {
    return maskPersonalDataInText(body);
  }
}

function actorOf(request: AuthenticatedRequest): string {
  return request.caller?.actor ?? 'unknown';
}
