import { Field, InputType } from '@nestjs/graphql';
import { DateTime } from './date-time.scalar';

@InputType('Window', { description: 'Half-open [from, to), UTC' })
export class WindowInput {
  @Field(() => DateTime)
  from!: Date;

  @Field(() => DateTime)
  to!: Date;
}

export { toWindow } from './window-argument';
