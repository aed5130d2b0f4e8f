/**
 * The protobuf wire format, as far as reading ONNX graphs needs it: a message is a run of fields,
 * each a tag (field number and wire type) and a value. Fields this package does not read (the
 * trees' weights, initializers' data) are stepped over by their length, never decoded.
 */

/** One field of a message: its number, wire type, and where its bytes are in the buffer. */
export interface WireField {
  field: number;
  wireType: number;
  /** Start of the whole field (its tag) and end of its value. */
  start: number;
  end: number;
  /** Start of the value: the payload of a length-delimited field (after its length), else the value itself. */
  valueStart: number;
  /** The varint value (wire type 0), as a Number (int64 two's complement beyond 2^53 loses precision). */
  varint: number;
}

const kTwo32 = 2 ** 32;

/** Reads a varint at `pos` of `bytes`: [value as a Number, position after it]. Throws past the end or after 10 bytes. */
export function readVarint(bytes: Uint8Array, pos: number, end: number): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new Error('truncated varint');
    const b = bytes[pos++]!;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if ((b & 0x80) === 0) {
      lo >>>= 0;
      // A negative int64 is ten bytes with the high bit of `hi` set.
      return [hi & 0x80000000 ? (hi | 0) * kTwo32 + lo : (hi >>> 0) * kTwo32 + lo, pos];
    }
  }
  throw new Error('varint longer than 10 bytes');
}

/** Every field of the message in `bytes[start, end)`, in order. Throws on a malformed message. */
export function readFields(bytes: Uint8Array, start = 0, end = bytes.length): WireField[] {
  const fields: WireField[] = [];
  scanFields(bytes, start, end, (f) => {
    fields.push({ ...f });
    return false;
  });
  return fields;
}

/**
 * Calls `visit` with each field of the message in `bytes[start, end)` until it returns true; the
 * field object is reused between calls (copy what you keep). Throws on a malformed message.
 */
export function scanFields(bytes: Uint8Array, start: number, end: number, visit: (f: WireField) => boolean): void {
  const current: WireField = { field: 0, wireType: 0, start: 0, end: 0, valueStart: 0, varint: 0 };
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(bytes, pos, end);
    pos = afterTag;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new Error('invalid field number 0');
    let valueStart = pos;
    let varint = 0;
    switch (wireType) {
      case 0:
        [varint, pos] = readVarint(bytes, pos, end);
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const [length, afterLength] = readVarint(bytes, pos, end);
        valueStart = afterLength;
        pos = afterLength + length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`invalid wire type ${wireType} at offset ${fieldStart}`);
    }
    if (pos > end) throw new Error(`field ${field} runs past the end of its message`);
    current.field = field;
    current.wireType = wireType;
    current.start = fieldStart;
    current.end = pos;
    current.valueStart = valueStart;
    current.varint = varint;
    if (visit(current)) return;
  }
}

/** The first field numbered `field` of the message in `bytes[start, end)`, or undefined. */
export function findField(bytes: Uint8Array, start: number, end: number, field: number): WireField | undefined {
  let found: WireField | undefined;
  scanFields(bytes, start, end, (f) => {
    if (f.field !== field) return false;
    found = { ...f };
    return true;
  });
  return found;
}

/** The sub-message or bytes of a length-delimited field. */
export function payload(bytes: Uint8Array, f: WireField): Uint8Array {
  if (f.wireType !== 2) throw new Error(`field ${f.field} is not length-delimited`);
  return bytes.subarray(f.valueStart, f.end);
}

const kUtf8 = new TextDecoder();

/** A string field's text. */
export function text(bytes: Uint8Array, f: WireField): string {
  return kUtf8.decode(payload(bytes, f));
}

/** The values of a repeated integer field: packed (one length-delimited field) or one field per value. */
export function integers(bytes: Uint8Array, fields: readonly WireField[]): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.wireType === 0) out.push(f.varint);
    else if (f.wireType === 2) {
      for (let pos = f.valueStart; pos < f.end;) {
        const [value, next] = readVarint(bytes, pos, f.end);
        out.push(value);
        pos = next;
      }
    } else throw new Error(`field ${f.field} is not an integer`);
  }
  return out;
}

/** Encodes a varint (non-negative, below 2^53). */
export function encodeVarint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A length-delimited field: tag, length, `body`. */
export function lengthDelimited(field: number, body: Uint8Array): Uint8Array {
  const head = [...encodeVarint(field * 8 + 2), ...encodeVarint(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** A varint field. */
export function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...encodeVarint(field * 8), ...encodeVarint(value)]);
}

/** A string field. */
export function stringField(field: number, value: string): Uint8Array {
  return lengthDelimited(field, new TextEncoder().encode(value));
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
