import type { CooperativeScheduler } from './cooperative-scheduler';

/** DataLoader's `batchScheduleFn`: when a batch of loads is sent. */
export type BatchSchedule = (dispatch: () => void) => void;

/**
 * One request's batch schedule: its loads are sent once none of its resolvers or list entries waits
 * for a slice of the scheduler, so a long list answered over several slices still reads in one batch
 * per loader (a request's statements do not grow with its lists). What waits never waits for a batch
 * (it only starts resolvers), so this ends; another request's work does not hold this one's batches.
 */
export function requestBatches(
  scheduler: CooperativeScheduler,
  owner: () => object | undefined,
): BatchSchedule {
  let pending: (() => void)[] = [];
  let armed = false;
  const send = (): void => {
    const request = owner();
    if (request !== undefined && scheduler.waitingFor(request) > 0) {
      setImmediate(send);
      return;
    }
    armed = false;
    const due = pending;
    pending = [];
    for (const dispatch of due) dispatch();
  };
  return (dispatch) => {
    pending.push(dispatch);
    if (!armed) {
      armed = true;
      setImmediate(send);
    }
  };
}
