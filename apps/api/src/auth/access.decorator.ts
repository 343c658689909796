import { Extensions } from '@nestjs/graphql';
import { ACCESS_EXTENSION, type FieldAccess } from './access';

/**
 * Declares who may call a query, mutation or subscription and what a group-scoped token gets from it;
 * the access interceptor enforces it and refuses any root field that declares nothing. Kept in the
 * schema's field extensions, from which docs/graphql/access.v1.md is generated.
 */
export const Access = (access: FieldAccess) => Extensions({ [ACCESS_EXTENSION]: access });
