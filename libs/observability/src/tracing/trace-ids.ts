/** Two hex digits for every byte value: ids are formatted by lookup (toString(16) with padStart costs ten times as much). */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function randomWord(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

function hex(word: number): string {
  return HEX_BYTES[word >>> 24] + HEX_BYTES[(word >>> 16) & 0xff] + HEX_BYTES[(word >>> 8) & 0xff] + HEX_BYTES[word & 0xff];
}

/** A new trace id as its four random 32-bit words, never all zero: formatted (formatTraceId) only where it is read. */
export interface TraceIdWords {
  a: number;
  b: number;
  c: number;
  d: number;
}

export function newTraceIdWords(): TraceIdWords {
  const words = { a: randomWord(), b: randomWord(), c: randomWord(), d: randomWord() };
  // All zeros is the invalid trace id (one chance in 2^128; the SDK's generator guards it the same way).
  return (words.a | words.b | words.c | words.d) === 0 ? newTraceIdWords() : words;
}

/** The 32 hex digits of a trace id. */
export function formatTraceId({ a, b, c, d }: TraceIdWords): string {
  return hex(a) + hex(b) + hex(c) + hex(d);
}

/** The number a trace-id ratio sampler compares with its bound: the XOR of the id's four words, as TraceIdRatioBasedSampler reads it from the hex id. */
export function ratioKey({ a, b, c, d }: TraceIdWords): number {
  return (a ^ b ^ c ^ d) >>> 0;
}

/** A new span id as its two random 32-bit words, never both zero. */
export interface SpanIdWords {
  high: number;
  low: number;
}

export function newSpanIdWords(): SpanIdWords {
  const words = { high: randomWord(), low: randomWord() };
  return (words.high | words.low) === 0 ? newSpanIdWords() : words;
}

/** The 16 hex digits of a span id. */
export function formatSpanId({ high, low }: SpanIdWords): string {
  return hex(high) + hex(low);
}

export function newSpanId(): string {
  return formatSpanId(newSpanIdWords());
}
