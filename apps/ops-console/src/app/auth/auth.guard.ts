import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Caller, TokenRoles } from './token-roles';

const OPERATOR_ONLY = 'ops:operator-only';

/** Marks a route that changes dead letters: viewers get 403. */
export const OperatorOnly = () => SetMetadata(OPERATOR_ONLY, true);

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** `Authorization: Bearer <token>` on every /api/v1 route: 401 without a known token, 403 for a viewer operating. */
@Injectable()
export class OpsAuthGuard implements CanActivate {
  constructor(
    @Inject(TokenRoles) private readonly roles: TokenRoles,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const bearer = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const caller = bearer === undefined ? undefined : this.roles.identify(bearer);
    if (!caller) {
      http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="bss-ops-console"');
      throw new UnauthorizedException(bearer === undefined ? 'a token is required (Authorization: Bearer <token>)' : 'the token is not valid');
    }
    const operatorOnly = this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, [context.getHandler(), context.getClass()]);
    if (operatorOnly && caller.role !== 'operator') throw new ForbiddenException('only operator tokens may replay or purge dead letters');
    request.caller = caller;
    return true;
  }
}
