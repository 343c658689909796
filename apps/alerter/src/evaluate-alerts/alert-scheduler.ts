import { NOTIFY_CHANNELS, type PgListener, parseProjectionNotice } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { DeliveryDispatcher } from '../deliver-alerts/delivery-dispatcher';
import type { AlerterProgress } from '../health/alerter-progress';
import type { AlerterTelemetry, RoundKind } from '../observability/alerter-telemetry';
import type { EvaluateAlertsHandler } from './evaluate-alerts.handler';

// Something due but under another instance's claim (or held by a projector's open transaction) is looked
// at again after this, not in a spin.
const MIN_WAKE_MS = 250;
const DUE_MARGIN_MS = 5;

// Bulk work (an import settled, a sweep) shares the machine and PostgreSQL with the projector:
// after a round that took some, the alerter pauses so that such rounds take half of its time, or a fifth
// (of its time and of the bulk rows) while live work flows, whose projection lag they would raise.
const BULK_SHARE_IDLE = 1 / 2;
const BULK_SHARE_WHILE_LIVE = 1 / 5;
const MAX_BULK_PAUSE_MS = 1_000;
// longer than a pause, so that a pause alone never makes live work look over
const LIVE_FLOWING_MS = 2 * MAX_BULK_PAUSE_MS;

// Wake-ups while rounds run make one more pass, counted under the most telling of their reasons.
const WAKE_RANK: Record<RoundKind, number> = { clock: 0, due: 1, changed: 2 };

export interface AlertSchedulerOptions {
  /** rounds look for due work at least this often */
  intervalMs: number;
  /** changes noticed within this long of a round's start wait for the gap's end (0: a round at once) */
  changeGapMs: number;
}

/**
 * Runs rounds while there is work: at once when the projector reports a change (PostgreSQL NOTIFY,
 * delivered on its commit), when the next threshold falls due (alerts also open as time passes with no
 * event), and on a clock in case another instance's due times or a lost notification were missed.
 * Delivery runs on a loop of its own (the dispatcher), woken when a round enqueued a change.
 */
export class AlertScheduler {
  private timer: NodeJS.Timeout | undefined;
  private dueTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** what woke the scheduler while rounds ran: they run again right after */
  private again: RoundKind | undefined;
  private stopped = false;
  private waitingForHeads = false;
  private gapTimer: NodeJS.Timeout | undefined;
  private endPause: (() => void) | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private lastLiveAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly evaluate: EvaluateAlertsHandler,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly listener: PgListener,
    private readonly options: AlertSchedulerOptions,
    private readonly progress: AlerterProgress,
    private readonly logger: Logger,
    private readonly telemetry?: Pick<AlerterTelemetry, 'noticed' | 'round'>,
  ) {
    listener.on(NOTIFY_CHANNELS.projections, (payload) => {
      if (this.stopped) return;
      // the org and, when the projection was traced, the trace its judgement goes on with
      if (payload) {
        const { orgId, traceparent } = parseProjectionNotice(payload);
        this.telemetry?.noticed(orgId, traceparent);
      }
      this.wake('changed');
    });
    // a change committed while the listener was away was not noticed: the clock's round judges it now
    listener.onListening((listening) => {
      if (listening) this.wake('clock');
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.wake('clock');
    this.timer = setInterval(() => this.wake('clock'), this.options.intervalMs);
    this.dispatcher.start();
  }

  /** Lets the round in progress and the sends in flight finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.dueTimer);
    clearTimeout(this.gapTimer);
    this.endPause?.();
    await this.running;
    await this.dispatcher.stop();
    await this.listener.stop();
  }

  /** Runs rounds now, or right after the ones in progress: wake-ups never pile up. */
  wake(kind: RoundKind): void {
    if (this.stopped) return;
    if (this.running) {
      if (this.again === undefined || WAKE_RANK[kind] > WAKE_RANK[this.again]) this.again = kind;
      return;
    }
    // changes noticed soon after a round started wait for the gap's end and are judged together: at a
    // projector's tens of commits a second, a round each would cost more than the judging itself
    const wait = kind === 'changed' ? this.lastStartedAt + this.options.changeGapMs - performance.now() : 0;
    if (wait > 0) {
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = undefined;
        this.wake('changed');
      }, wait);
      return;
    }
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.lastStartedAt = performance.now();
    this.running = this.work(kind).finally(() => {
      this.running = undefined;
      const again = this.again;
      if (again) {
        this.again = undefined;
        this.wake(again);
      }
    });
  }

  private async work(kind: RoundKind): Promise<void> {
    try {
      if (!(await this.headsReady())) return;
      for (;;) {
        if (this.stopped) return;
        const swept = await this.evaluate.sweepStep();
        const started = performance.now();
        const outcome = await this.timedRound(kind, this.liveFlowingAt(started) ? BULK_SHARE_WHILE_LIVE : 1);
        // a backlog's rounds may go on for minutes: each one completed is progress
        this.progress.evaluationSucceeded();
        if (outcome.raised + outcome.resolved > 0) {
          this.logger.info(outcome, 'alerts changed');
          this.dispatcher.wake();
        }
        const ended = performance.now();
        if (outcome.judged > outcome.bulk) this.lastLiveAt = ended;
        if (!outcome.full && !swept) break;
        // the whole round counts, live work in it too: it is the round's time the projector shared
        if (outcome.bulk > 0 && !this.stopped) {
          const share = this.liveFlowingAt(ended) ? BULK_SHARE_WHILE_LIVE : BULK_SHARE_IDLE;
          await this.pause(Math.min(MAX_BULK_PAUSE_MS, ((ended - started) * (1 - share)) / share));
        }
      }
      this.wakeWhenDue(await this.evaluate.nextDueInMs());
    } catch (error) {
      this.progress.evaluationFailed(describeError(error));
      this.logger.error(
        { err: describeError(error) },
        'alert evaluation failed; retrying on the next wake-up',
      );
    }
  }

  private liveFlowingAt(at: number): boolean {
    return at - this.lastLiveAt < LIVE_FLOWING_MS;
  }

  /** Waits, unless stop() comes first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.endPause = undefined;
        resolve();
      }, ms);
      this.endPause = () => {
        clearTimeout(timer);
        this.endPause = undefined;
        resolve();
      };
    });
  }

  private async timedRound(kind: RoundKind, bulkShare: number) {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const outcome = await this.evaluate.round(bulkShare);
      this.telemetry?.round(kind, true, seconds());
      return outcome;
    } catch (error) {
      this.telemetry?.round(kind, false, seconds());
      throw error;
    }
  }

  private async headsReady(): Promise<boolean> {
    if (await this.evaluate.headsReady()) {
      if (this.waitingForHeads) this.logger.info('the read models are current again: judging alerts');
      this.waitingForHeads = false;
      return true;
    }
    const why = 'the read models the alert rules read are being rebuilt';
    if (!this.waitingForHeads) this.logger.warn(`${why}: no alert is judged until the projector is done`);
    this.waitingForHeads = true;
    this.progress.evaluationFailed(why);
    return false;
  }

  private wakeWhenDue(inMs: number | null): void {
    clearTimeout(this.dueTimer);
    if (inMs === null || this.stopped) return;
    // due later than the clock's next tick: that tick wakes the rounds, counted as the clock's
    const { intervalMs } = this.options;
    const kind = inMs <= intervalMs ? 'due' : 'clock';
    // a few ms late: a timer may fire a little early, and a round before the due time finds nothing
    const wait = Math.min(intervalMs, Math.max(MIN_WAKE_MS, inMs + DUE_MARGIN_MS));
    this.dueTimer = setTimeout(() => this.wake(kind), wait);
  }
}
