import type { ApiRole } from '@orgpulse/persistence';
import { type GraphQLSchema, OperationTypeNode } from 'graphql';

/** The field extension where a root field declares the roles that may call it (see Roles). */
export const ROLES_EXTENSION = 'roles';

export const declaredRoles = (field: {
  extensions?: Readonly<Record<string, unknown>> | null;
}): readonly ApiRole[] | undefined => {
  const roles = field.extensions?.[ROLES_EXTENSION];
  return Array.isArray(roles) && roles.length > 0 ? (roles as ApiRole[]) : undefined;
};

export interface RootFieldRoles {
  operation: OperationTypeNode;
  field: string;
  roles: readonly ApiRole[] | undefined;
}

/** Every query, mutation and subscription of the schema with the roles it declares. */
export function rootFieldRoles(schema: GraphQLSchema): RootFieldRoles[] {
  return [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION].flatMap(
    (operation) =>
      Object.values(schema.getRootType(operation)?.getFields() ?? {}).map((field) => ({
        operation,
        field: field.name,
        roles: declaredRoles(field),
      })),
  );
}
