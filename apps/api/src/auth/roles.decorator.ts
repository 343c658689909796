import { Extensions } from '@nestjs/graphql';
import type { ApiRole } from '@orgpulse/persistence';
import { ROLES_EXTENSION } from './roles';

/**
 * Declares who may call a query, mutation or subscription; RolesGuard enforces it and refuses any
 * root field that declares nothing. Kept in the schema's field extensions, where tests read it.
 */
export const Roles = (...roles: [ApiRole, ...ApiRole[]]) => Extensions({ [ROLES_EXTENSION]: roles });
