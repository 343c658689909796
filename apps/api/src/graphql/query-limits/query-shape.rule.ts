import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { type QueryLimits, queryLimitError } from './query-limits';

interface Shape {
  depth: number;
  aliases: number;
}

/**
 * Refuses operations nested deeper than `maxDepth` fields or with more than `maxAliases` aliases.
 * Each fragment is measured once and reused wherever it is spread, so a chain of fragments that
 * spread the next one twice costs linear time, not 2^n.
 */
export function queryShapeRule(limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const measured = new Map<string, Shape>();
    const measuring = new Set<string>(); // a cycle is reported by NoFragmentCyclesRule

    const fragmentShape = (name: string): Shape => {
      const known = measured.get(name);
      if (known) return known;
      const fragment = fragments.get(name);
      if (!fragment || measuring.has(name)) return { depth: 0, aliases: 0 };
      measuring.add(name);
      const shape = shapeOf(fragment.selectionSet);
      measuring.delete(name);
      measured.set(name, shape);
      return shape;
    };

    const shapeOf = (set: SelectionSetNode | undefined): Shape => {
      const shape = { depth: 0, aliases: 0 };
      for (const selection of set?.selections ?? []) {
        let inner: Shape;
        if (selection.kind === Kind.FIELD) {
          const child = shapeOf(selection.selectionSet);
          inner = { depth: 1 + child.depth, aliases: child.aliases + (selection.alias ? 1 : 0) };
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          inner = shapeOf(selection.selectionSet);
        } else {
          inner = fragmentShape(selection.name.value);
        }
        shape.depth = Math.max(shape.depth, inner.depth);
        shape.aliases += inner.aliases;
      }
      return shape;
    };

    return {
      OperationDefinition(operation) {
        const { depth, aliases } = shapeOf(operation.selectionSet);
        if (depth > limits.maxDepth) {
          context.reportError(
            queryLimitError(
              'depth',
              limits.maxDepth,
              depth,
              `the query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`,
            ),
          );
        }
        if (aliases > limits.maxAliases) {
          context.reportError(
            queryLimitError(
              'aliases',
              limits.maxAliases,
              aliases,
              `the query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`,
            ),
          );
        }
      },
    };
  };
}
