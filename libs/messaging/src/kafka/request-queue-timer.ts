import { createRequire } from 'node:module';

/** The kafkajs whose RequestQueue this replaces a method of; another version is left as it is. */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';

/** kafkajs's own interval for re-checking a queue that waits on in-flight requests. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** What of kafkajs's RequestQueue the replacement touches. */
export interface RequestQueueTimerState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

/**
 * kafkajs's scheduleCheckPendingRequests, without its idle loop: with nothing queued and no throttle it
 * armed a timer of -1 ms (so 1 ms) that called itself again, forever, on every broker connection
 * (tulios/kafkajs#1556 and #1704, unfixed upstream): each app woke about a thousand times a second per
 * connection, idle or not. Here a timer is armed only for what waits: queued requests (as kafkajs does), or
 * a throttle to outlast (kept as upstream has it, though a push during one arms its own). Answers and
 * timeouts check the queue themselves, so an idle connection needs no timer.
 */
export function scheduleCheckPendingRequests(this: RequestQueueTimerState): void {
  if (this.throttleCheckTimeoutId) return;
  let scheduleAt = this.throttledUntil - Date.now();
  if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (scheduleAt <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, scheduleAt);
}

const load = createRequire(__filename);

/**
 * Puts the method above on kafkajs's RequestQueue (calling it again changes nothing), for kafkajs
 * PATCHED_KAFKAJS_VERSION only: its test fails on another version, to look at upstream again. Returns
 * whether it is in place.
 */
export function stopIdleRequestQueueTimers(): boolean {
  const { version } = load('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_KAFKAJS_VERSION) return false;
  const RequestQueue = load('kafkajs/src/network/requestQueue') as {
    prototype: { scheduleCheckPendingRequests: unknown };
  };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  return true;
}
