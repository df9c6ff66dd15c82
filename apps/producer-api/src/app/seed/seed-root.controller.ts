import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

/**
 * The seed's image answered `GET /` and its load scripts count any answer there as a success, so it
 * stays open like the health probes; it says the process runs, nothing about intake (see /ready).
 */
@ApiTags('seed-compatible')
@Controller()
export class SeedRootController {
  @Get()
  @ApiOperation({ summary: 'Seed: the placeholder answer its load scripts hit' })
  root() {
    return { message: 'Producer running' };
  }
}
