import type { ProjectionStage } from '../progress/projection-progress';

/** Where the stages of a projection transaction are timed (the projector's /metrics). */
export interface StageTimer {
  observeStage(stage: ProjectionStage, seconds: number): void;
}

export const UNTIMED: StageTimer = { observeStage: () => undefined };

/**
 * The same object, with the named async methods timed as the given stages: the handler's code stays as
 * it is, and every call of those methods (in a transaction, alone, or retried) is measured.
 */
export function timed<T extends object>(
  target: T,
  stages: Partial<Record<keyof T & string, ProjectionStage>>,
  timer: StageTimer,
): T {
  if (timer === UNTIMED) return target;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      const stage = typeof property === 'string' ? stages[property as keyof T & string] : undefined;
      if (stage === undefined || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        try {
          const method = value as (...a: unknown[]) => Promise<unknown>;
          return await method.apply(object, args);
        } finally {
          timer.observeStage(stage, Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
    },
  });
}
