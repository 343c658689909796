import { Extensions } from '@nestjs/graphql';
import type { CostDeclaration } from './query-cost';

/** Declares how a field multiplies the cost of its selection (read by operationCost). */
export const Cost = (declaration: CostDeclaration) => Extensions({ cost: declaration });
