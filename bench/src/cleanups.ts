/** What a signal must still stop: the current run's apps, brokers and databases, innermost last. */
export const cleanups = new Set<() => Promise<void>>();

/** Runs `use`, then `cleanup` whatever happened; a signal in between runs `cleanup` too. */
export async function cleaningUp<T>(cleanup: () => Promise<void>, use: () => Promise<T>): Promise<T> {
  cleanups.add(cleanup);
  try {
    return await use();
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}
