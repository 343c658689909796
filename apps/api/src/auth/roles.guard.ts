import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { forbidden } from '../graphql/graphql-errors';
import type { RequestContext } from '../graphql/request-context';
import { declaredRoles } from './roles';

/** Every root field runs only for the roles it declares (@Roles); one that declares none runs for nobody. */
@Injectable()
export class RolesGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType !== info.schema.getRootType(info.operation.operation)) return true;
    const roles = declaredRoles(info.parentType.getFields()[info.fieldName]);
    if (roles === undefined) throw forbidden(`${info.fieldName} declares no role that may call it`);
    const { role } = gql.getContext<RequestContext>().principal;
    if (!roles.includes(role)) throw forbidden(`${info.fieldName} needs an ${roles.join(' or ')} token`);
    return true;
  }
}
