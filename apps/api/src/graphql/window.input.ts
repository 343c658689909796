import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import type { Window } from '@orgpulse/domain';
import { badInput } from './graphql-errors';

const MAX_WINDOW_MS = 10 * 366 * 24 * 3_600_000;

@InputType('Window', { description: 'Half-open [from, to), UTC' })
export class WindowInput {
  @Field(() => GraphQLISODateTime)
  from!: Date;

  @Field(() => GraphQLISODateTime)
  to!: Date;
}

export function toWindow(input: WindowInput): Window {
  const window = { from: input.from.getTime(), to: input.to.getTime() };
  if (window.to < window.from) throw badInput('window.to must not be before window.from');
  if (window.to - window.from > MAX_WINDOW_MS) throw badInput('a window may span at most 10 years');
  return window;
}
