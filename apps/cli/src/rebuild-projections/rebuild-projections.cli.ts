import { rebuildProjections } from '@orgpulse/persistence';
import { parseOptions } from '../cli-args';
import type { CliCommand } from '../cli-context';

/** Rebuilds every read model from the event store while the API keeps answering from the old ones. */
export const rebuildProjectionsCommand: CliCommand = async (context, args) => {
  parseOptions('projections rebuild', args, []);
  let reported = 0;
  const result = await rebuildProjections(context.db, ({ events, totalEvents }) => {
    const percent = totalEvents === 0 ? 100 : Math.floor((events / totalEvents) * 100);
    if (percent >= reported + 10 || events === totalEvents) {
      reported = percent;
      context.progress(`projections rebuild: ${events} of ${totalEvents} events (${percent}%)`);
    }
  });
  context.progress(
    `projections rebuild: done, ${result.events} events, ${result.subjects} subjects, ${result.durationMs} ms`,
  );
  context.print(result);
};
