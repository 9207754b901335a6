/**
 * A minimal protobuf (proto3) wire-format writer: enough to encode messages
 * field by field, nested messages included. Default values (empty string,
 * false, 0) are skipped, as proto3 does, except for messages, whose presence
 * matters (oneofs).
 */

const enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2 }

export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private tag(field: number, wire: WireType): void {
    this.parts.push(varint(field * 8 + wire));
  }

  /** A `string` field; skipped when empty or absent. */
  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    const bytes = Buffer.from(value, 'utf8');
    this.tag(field, WireType.LengthDelimited);
    this.parts.push(varint(bytes.length), bytes);
    return this;
  }

  /** A `repeated string` field. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) {
      const bytes = Buffer.from(v, 'utf8');
      this.tag(field, WireType.LengthDelimited);
      this.parts.push(varint(bytes.length), bytes);
    }
    return this;
  }

  /** A `bool` field; skipped when false or absent. */
  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WireType.Varint);
    this.parts.push(varint(1));
    return this;
  }

  /** An `int64` field holding a non-negative integer; skipped when 0 or absent. */
  int64(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`int64 field ${field}: ${value} is not a non-negative safe integer`);
    this.tag(field, WireType.Varint);
    this.parts.push(varint(value));
    return this;
  }

  /** A `double` field; skipped when 0 or absent. */
  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, WireType.Fixed64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.parts.push(b);
    return this;
  }

  /** An embedded message field (already encoded); written even when empty. */
  message(field: number, encoded: Buffer | undefined): this {
    if (encoded === undefined) return this;
    this.tag(field, WireType.LengthDelimited);
    this.parts.push(varint(encoded.length), encoded);
    return this;
  }

  /** A `repeated` message field. */
  messages(field: number, encoded: readonly Buffer[]): this {
    for (const m of encoded) this.message(field, m);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Base-128 varint of a non-negative safe integer. */
export function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
