/** Protobuf writes into a buffer, for the OTLP encodings built here (span-record.ts, task-span-exporter.ts). */
export class Writer {
  constructor(
    public bytes: Buffer = Buffer.allocUnsafe(16 * 1024),
    public pos = 0,
  ) {}

  reserve(length: number): void {
    if (this.pos + length <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.pos + length));
    this.bytes.copy(grown, 0, 0, this.pos);
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.pos++] = value;
  }

  varint(value: number): void {
    this.reserve(10);
    while (value > 0x7f) {
      this.bytes[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.bytes[this.pos++] = value;
  }

  /** Copies bytes (TypedArray.set: measured faster than a byte loop even for a span's 12- to 32-byte pre-encoded fields). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A length-delimited field of bytes given in hex (trace and span ids). */
  hex(tag: number, hex: string): void {
    const length = hex.length >> 1;
    this.reserve(2 + length);
    this.bytes[this.pos++] = tag;
    this.bytes[this.pos++] = length;
    for (let index = 0; index < hex.length; index += 2) this.bytes[this.pos++] = (nibble(hex.charCodeAt(index)) << 4) | nibble(hex.charCodeAt(index + 1));
  }

  /** A 64-bit id given as its two 32-bit halves, as a length-delimited field of 8 bytes. */
  id(tag: number, high: number, low: number): void {
    this.reserve(10);
    this.bytes[this.pos++] = tag;
    this.bytes[this.pos++] = 8;
    this.#uint32BE(high);
    this.#uint32BE(low);
  }

  string(tag: number, text: string): void {
    const length = utf8Length(text);
    this.varint(tag);
    this.varint(length);
    this.reserve(length);
    if (length === text.length) for (let index = 0; index < length; index++) this.bytes[this.pos++] = text.charCodeAt(index);
    else this.pos += this.bytes.write(text, this.pos);
  }

  /** Epoch seconds and nanoseconds as fixed64 nanoseconds, in 32-bit halves (seconds × 10⁹ is past 2⁵³: split so every product stays exact). */
  time(tag: number, seconds: number, nanos: number): void {
    this.reserve(9);
    this.bytes[this.pos++] = tag;
    const upper = Math.floor(seconds / 0x10000) * 1e9;
    const lower = (seconds % 0x10000) * 1e9 + nanos;
    const low = (upper % 0x10000) * 0x10000 + (lower % 0x100000000);
    const high = Math.floor(upper / 0x10000) + Math.floor(lower / 0x100000000) + Math.floor(low / 0x100000000);
    this.#uint32LE(low % 0x100000000);
    this.#uint32LE(high);
  }

  /** A fixed64 field given as its two 32-bit halves. */
  fixed64(tag: number, low: number, high: number): void {
    this.reserve(9);
    this.bytes[this.pos++] = tag;
    this.#uint32LE(low);
    this.#uint32LE(high);
  }

  fixed32(tag: number, value: number): void {
    this.varint(tag);
    this.reserve(4);
    this.#uint32LE(value);
  }

  // Byte by byte: Buffer's writeUInt32* check their arguments on every call, a task span's six of them.
  #uint32LE(value: number): void {
    const bytes = this.bytes;
    bytes[this.pos++] = value;
    bytes[this.pos++] = value >>> 8;
    bytes[this.pos++] = value >>> 16;
    bytes[this.pos++] = value >>> 24;
  }

  #uint32BE(value: number): void {
    const bytes = this.bytes;
    bytes[this.pos++] = value >>> 24;
    bytes[this.pos++] = value >>> 16;
    bytes[this.pos++] = value >>> 8;
    bytes[this.pos++] = value;
  }

  /** What was written since `from`, copied out; the writer is rewound to `from`. */
  take(from = 0): Buffer {
    const taken = Buffer.from(this.bytes.subarray(from, this.pos));
    this.pos = from;
    return taken;
  }
}

/** UTF-8 length; ASCII (nearly every attribute) is counted here, not by a call into the runtime. */
export function utf8Length(text: string): number {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) >= 0x80) return Buffer.byteLength(text);
  return text.length;
}

export function varintLength(value: number): number {
  let length = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

function nibble(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

/** One field of a protobuf message as it lies in the bytes: `raw` with its tag, `body` a length-delimited field's content. */
export interface ProtobufField {
  number: number;
  raw: Uint8Array;
  body: Uint8Array;
}

/** The top-level fields of a message, in order (the envelope cut in task-span-exporter.ts, the bench's span count). */
export function protobufFields(message: Uint8Array): ProtobufField[] {
  const fields: ProtobufField[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = message[pos++]!;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  while (pos < message.length) {
    const start = pos;
    const tag = varint();
    const wire = tag & 7;
    let bodyStart = pos;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      bodyStart = pos;
      pos += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    fields.push({ number: tag >>> 3, raw: message.subarray(start, pos), body: message.subarray(bodyStart, pos) });
  }
  return fields;
}
