import { Controller, Get, Query } from '@nestjs/common';
import { ORDER_TYPES } from '@bss/contracts';
import { toBoundedInt } from './ledger.controller';
import { LoadRecorder } from './load-recorder';
import { OverloadModel } from './overload-model';

/** What the backend itself saw, second by second: the ground truth of the leveling report. */
@Controller('api/v1/load')
export class LoadController {
  constructor(
    private readonly model: OverloadModel,
    private readonly load: LoadRecorder,
  ) {}

  /** Per-second load since `since` (Unix seconds) and each type's capacity. */
  @Get()
  since(@Query('since') since = '0') {
    const capacity = Object.fromEntries(ORDER_TYPES.map((type) => [type, this.model.capacityOf(type)]));
    return { capacity, seconds: this.load.since(toBoundedInt(since, 'since', 0, Number.MAX_SAFE_INTEGER)) };
  }
}
