import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, OpsAuthGuard } from '../auth/auth.guard';
import { Role } from '../auth/token-roles';
import { OverviewSampler } from '../overview/overview-sampler';
import { Overview } from '../overview/overview-view';

@Controller('api/v1')
@UseGuards(OpsAuthGuard)
export class OverviewController {
  constructor(@Inject(OverviewSampler) private readonly sampler: OverviewSampler) {}

  @Get('overview')
  overview(): Overview {
    return this.sampler.overview();
  }

  /** Lets the UI show the role and disable what the token may not do. */
  @Get('whoami')
  whoami(@Req() request: AuthenticatedRequest): { role: Role | undefined; actor: string | undefined } {
    return { role: request.caller?.role, actor: request.caller?.actor };
  }
}
