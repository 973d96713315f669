import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiProblem } from '../problem/api-problem.exception';
import type { AuthenticatedRequest } from './auth.guard';
import type { Principal } from './principal';

/** The authenticated caller (set by the AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new ApiProblem('unauthenticated', 'not authenticated');
  return principal;
});
