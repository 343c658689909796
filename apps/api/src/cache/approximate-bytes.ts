// V8's sizes on 64-bit, rounded up: headers, slots and backing stores (pointer compression off).
const OBJECT_BYTES = 32;
const SLOT_BYTES = 8;
const STRING_BYTES = 16;
const NUMBER_BYTES = 16;

/**
 * About how much heap a parsed JSON-like value holds (objects, arrays, strings, numbers), for byte
 * budgets: an over-estimate for values that share strings, never far under the truth. One pass
 * over the value, without recursion.
 */
export function approximateBytes(value: unknown): number {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    switch (typeof next) {
      case 'string':
        bytes += STRING_BYTES + 2 * next.length;
        break;
      case 'number':
        bytes += NUMBER_BYTES;
        break;
      case 'object':
        if (next === null) break;
        if (Array.isArray(next)) {
          bytes += OBJECT_BYTES + SLOT_BYTES * next.length;
          for (const item of next) pending.push(item);
        } else if (next instanceof Date) {
          bytes += OBJECT_BYTES + NUMBER_BYTES;
        } else if (Buffer.isBuffer(next)) {
          bytes += OBJECT_BYTES + next.length;
        } else {
          for (const key in next) {
            bytes += 2 * SLOT_BYTES;
            pending.push((next as Record<string, unknown>)[key]);
          }
          bytes += OBJECT_BYTES;
        }
        break;
      default:
        bytes += SLOT_BYTES;
    }
  }
  return bytes;
}
