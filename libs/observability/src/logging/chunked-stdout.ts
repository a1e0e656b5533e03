import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** Lines are written to the file once this many bytes are buffered… */
const CHUNK_BYTES = 16 * 1024;
/** …into a buffer with room for the largest line it takes (UTF-8 needs at most 3 bytes per UTF-16 unit); longer lines go alone. */
const BUFFER_BYTES = 64 * 1024;
/** …and at least this often, so a quiet service's lines still show up at once. */
const FLUSH_INTERVAL_MS = 250;

/** For a 1 ms sleep while a non-blocking pipe is full (Atomics.wait on a cell nothing signals). */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * A file descriptor (stdout) as pino's destination: each line is copied into a byte buffer, and the
 * buffer goes out in one synchronous write per CHUNK_BYTES. pino's own destination (sonic-boom)
 * keeps the pending lines as one string that it measures in UTF-8 on every write, and converts at
 * every flush (about 3 µs per access line, docs/benchmarks.md). Synchronous, so a log reader that
 * falls behind slows the service down instead of growing its memory: a full non-blocking pipe is
 * waited on. Lines that cannot be written at all (the reader is gone) are dropped; the service goes on.
 */
export class ChunkedStdout implements DestinationStream {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;

  constructor(private readonly fd = 1) {
    setInterval(() => this.flushSync(), FLUSH_INTERVAL_MS).unref();
    // What is still buffered is written when the process exits, crashes included.
    process.on('exit', () => this.flushSync());
  }

  write(line: string): void {
    if (line.length * 3 > BUFFER_BYTES - this.used) {
      this.flushSync();
      if (line.length * 3 > BUFFER_BYTES) return this.writeOut(Buffer.from(line));
    }
    this.used += this.buffer.write(line, this.used);
    if (this.used >= CHUNK_BYTES) this.flushSync();
  }

  flushSync(): void {
    if (this.used === 0) return;
    this.writeOut(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(bytes: Buffer): void {
    for (let written = 0; written < bytes.length; ) {
      try {
        written += writeSync(this.fd, bytes, written);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
        Atomics.wait(sleepCell, 0, 0, 1);
      }
    }
  }
}

let processStdout: ChunkedStdout | undefined;

/**
 * The process's one stdout destination, for every writer of log lines (each root logger, the trace
 * export notices): one buffer keeps their lines in order, with one flush timer and one exit listener.
 */
export function sharedStdout(): ChunkedStdout {
  return (processStdout ??= new ChunkedStdout());
}
