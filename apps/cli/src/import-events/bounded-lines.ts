/** A line of a file, or the mark of one longer than the limit (its bytes were not kept). */
export type BoundedLine = { text: string } | { tooLong: true };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines without ever holding more than `maxBytes` of one: a longer line is
 * reported as soon as it passes the limit, and the rest of it is skipped as it streams by.
 */
export async function* boundedLines(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let skipping = false;
  const take = (): BoundedLine => {
    let line = Buffer.concat(parts, length);
    if (line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN) line = line.subarray(0, -1);
    parts = [];
    length = 0;
    return { text: line.toString('utf8') };
  };
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(NEWLINE, start);
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
      if (!skipping) {
        // the line's own CR before its LF does not count against the limit
        const counted = end >= 0 && piece.at(-1) === CARRIAGE_RETURN ? piece.length - 1 : piece.length;
        if (length + counted > maxBytes) {
          skipping = true;
          parts = [];
          length = 0;
          yield { tooLong: true };
        } else {
          parts.push(piece);
          length += piece.length;
        }
      }
      if (end < 0) break;
      if (skipping) skipping = false;
      else yield take();
      start = end + 1;
    }
  }
  if (!skipping && length > 0) yield take();
}
