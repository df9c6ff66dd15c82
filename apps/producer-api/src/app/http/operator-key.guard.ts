import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { KeyRing, presentedKey } from './key-ring';

/**
 * An operator is a caller presenting one of OPERATOR_API_KEYS (`x-api-key` or `Authorization: Bearer`).
 * Operator routes change how the running process behaves, so they stay closed to everyone else even
 * where API_KEYS is empty and the order routes are open; with no operator keys they are closed to all.
 */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  private readonly operators: KeyRing;

  constructor(@Inject(PRODUCER_CONFIG) config: ProducerConfig) {
    this.operators = new KeyRing(config.OPERATOR_API_KEYS);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.operators.holds(presentedKey(context.switchToHttp().getRequest<FastifyRequest>()))) return true;
    throw new ForbiddenException(
      this.operators.isEmpty
        ? 'no operator keys are configured (OPERATOR_API_KEYS), so nobody may call this route'
        : 'this route needs an operator key (one of OPERATOR_API_KEYS)',
    );
  }
}
