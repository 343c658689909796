import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Observable, of } from 'rxjs';
import { forbidden } from '../graphql/graphql-errors';
import type { RequestContext } from '../graphql/request-context';
import { declaredAccess, emptiestValue } from './access';

/**
 * The one access policy of every root field, over HTTP and WebSocket alike: it runs only for the roles
 * it declares (@Access; one that declares none runs for nobody), and a group-scoped token gets what the
 * field declares for it: `nothing` is answered here without running the resolver.
 */
@Injectable()
export class AccessInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType !== info.schema.getRootType(info.operation.operation)) return next.handle();
    const field = info.parentType.getFields()[info.fieldName];
    const access = declaredAccess(field);
    if (access === undefined) throw forbidden(`${info.fieldName} declares no role that may call it`);
    const { role, groupId } = gql.getContext<RequestContext>().principal;
    if (!access.roles.includes(role))
      throw forbidden(`${info.fieldName} needs an ${access.roles.join(' or ')} token`);
    if (groupId === null || access.groupScoped === 'subtree' || access.groupScoped === 'org')
      return next.handle();
    const empty = access.groupScoped === 'nothing' ? emptiestValue(field.type) : undefined;
    if (empty === undefined) throw forbidden(`${info.fieldName} is not open to group-scoped tokens`);
    return of(empty.value);
  }
}
