/** A value at once, or a promise of it: what a field resolver may return (graphql-js awaits only promises). */
export type Eventually<T> = T | Promise<T>;

/** `f` of the value: at once when the value is there, else when it comes. */
export const thenEventually = <T, R>(value: Eventually<T>, f: (v: T) => R): Eventually<R> =>
  value instanceof Promise ? value.then(f) : f(value);

/**
 * One request's computed values by key: each computed once, and once settled given at once. A list's
 * resolver computes its entries' values for all of them together (their reads batched); the entries'
 * fields then resolve without a promise each, which on a long list is most of the API's work and garbage.
 * A failure is not kept: the next ask computes again.
 */
export class SettledMemo {
  private readonly values = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();

  get<V>(key: string, compute: () => Promise<V>): Eventually<V> {
    if (this.values.has(key)) return this.values.get(key) as V;
    let pending = this.pending.get(key) as Promise<V> | undefined;
    if (pending === undefined) {
      pending = compute().then(
        (value) => {
          this.values.set(key, value);
          this.pending.delete(key);
          return value;
        },
        (error: unknown) => {
          this.pending.delete(key);
          throw error;
        },
      );
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** A value computed elsewhere (shared by requests): kept unless the request computes or holds its own. */
  prime(key: string, value: unknown): void {
    if (!this.values.has(key) && !this.pending.has(key)) this.values.set(key, value);
  }
}
