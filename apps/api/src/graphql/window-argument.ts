import type { Window } from '@orgpulse/domain';
import { GraphQLError } from 'graphql';

const MAX_WINDOW_MS = 10 * 366 * 24 * 3_600_000;

/** A Window argument as graphql-js gives it (WindowInput, without Nest's decorators). */
export interface WindowArgument {
  from: Date;
  to: Date;
}

/**
 * The window a field asks for (contract §11): `from` before `to`, at most 10 years; otherwise the field
 * answers BAD_USER_INPUT naming its argument, and no data.
 */
export function toWindow(input: WindowArgument, argument = 'window'): Window {
  const window = { from: input.from.getTime(), to: input.to.getTime() };
  const refuse = (message: string) =>
    new GraphQLError(`argument ${argument}: ${message}`, {
      extensions: { code: 'BAD_USER_INPUT', argument },
    });
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to))
    throw refuse('from and to must be timestamps');
  if (window.from >= window.to)
    throw refuse(`from (${input.from.toISOString()}) must be before to (${input.to.toISOString()})`);
  if (window.to - window.from > MAX_WINDOW_MS) throw refuse('a window may span at most 10 years');
  return window;
}
