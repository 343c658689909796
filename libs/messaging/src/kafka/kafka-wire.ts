/** The few Kafka wire-protocol primitives that flexible (KIP-482) requests need. */
export class KafkaWriter {
  private readonly parts: Buffer[] = [];

  int16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    return this.push(b);
  }

  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    return this.push(b);
  }

  boolean(value: boolean): this {
    return this.push(Buffer.from([value ? 1 : 0]));
  }

  uvarint(value: number): this {
    const bytes: number[] = [];
    let v = value >>> 0;
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    bytes.push(v);
    return this.push(Buffer.from(bytes));
  }

  /** A classic nullable string: int16 length, then the bytes. */
  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }

  compactString(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    return this.uvarint(bytes.length + 1).push(bytes);
  }

  uuid(value: string): this {
    return this.push(Buffer.from(value.replace(/-/g, ''), 'hex'));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }

  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
}

export class KafkaReader {
  private at = 0;

  constructor(private readonly buffer: Buffer) {}

  int16(): number {
    const v = this.buffer.readInt16BE(this.take(2));
    return v;
  }

  int32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  boolean(): boolean {
    return this.buffer.readUInt8(this.take(1)) !== 0;
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer.readUInt8(this.take(1));
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new Error('malformed varint');
  }

  compactString(): string | null {
    const length = this.uvarint() - 1;
    if (length < 0) return null;
    const start = this.take(length);
    return this.buffer.toString('utf8', start, start + length);
  }

  uuid(): string {
    const hex = this.buffer.toString('hex', this.take(16), this.at);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  compactArray<T>(item: () => T): T[] {
    const length = this.uvarint() - 1;
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(item());
    return items;
  }

  /** Skips a tagged-field section: nothing here needs any of them. */
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }

  private take(n: number): number {
    if (this.at + n > this.buffer.length) throw new Error('truncated Kafka response');
    const start = this.at;
    this.at += n;
    return start;
  }
}
