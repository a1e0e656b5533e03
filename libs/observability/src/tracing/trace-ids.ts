import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/** Two hex digits for every byte value: ids are formatted by lookup (toString(16) with padStart costs ten times as much). */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function randomWord(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

function hex(word: number): string {
  return HEX_BYTES[word >>> 24] + HEX_BYTES[(word >>> 16) & 0xff] + HEX_BYTES[(word >>> 8) & 0xff] + HEX_BYTES[word & 0xff];
}

/** A new trace id, with the number a trace-id ratio sampler compares with its bound. */
export interface NewTraceId {
  traceId: string;
  /** The XOR of the id's four 32-bit words: what TraceIdRatioBasedSampler reads from the hex id. */
  ratioKey: number;
}

export function newTraceId(): NewTraceId {
  const a = randomWord();
  const b = randomWord();
  const c = randomWord();
  const d = randomWord();
  // All zeros is the invalid trace id (one chance in 2^128; the SDK's generator guards it the same way).
  if ((a | b | c | d) === 0) return newTraceId();
  return { traceId: hex(a) + hex(b) + hex(c) + hex(d), ratioKey: (a ^ b ^ c ^ d) >>> 0 };
}

export function newSpanId(): string {
  const a = randomWord();
  const b = randomWord();
  return (a | b) === 0 ? newSpanId() : hex(a) + hex(b);
}

/**
 * The SDK's id generator. A new trace's id is random, unless the server span has already chosen it
 * (server-span.ts decides a new trace's sampling from its id before asking the SDK for the span):
 * then the SDK gets that id, and its sampler reaches the same decision on it.
 */
export class TraceIdGenerator implements IdGenerator {
  private chosen?: string;

  /** The id the SDK's next new trace gets (read once, synchronously after this call). */
  useForNextTrace(traceId: string): void {
    this.chosen = traceId;
  }

  generateTraceId(): string {
    const chosen = this.chosen;
    this.chosen = undefined;
    return chosen ?? newTraceId().traceId;
  }

  generateSpanId(): string {
    return newSpanId();
  }
}
