/** Thrown inside an `eventually` assertion when waiting longer cannot help (the process died). */
export class StopPolling extends Error {
  override name = 'StopPolling';
}

/** Polls until the assertion passes; for eventual consistency, instead of sleeping. */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (error instanceof StopPolling) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Rejects with `message` when the promise takes longer than `ms`; clears its timer either way. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
