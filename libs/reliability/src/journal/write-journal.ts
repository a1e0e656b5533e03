import { mkdir, open, readdir, readFile, rm, rmdir, stat, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceUnavailableException } from '@nestjs/common';
import type { IngestWrite } from '@astra/storage';

/** The journal cannot take this write: the caller must answer 503 and not claim it was kept. */
export class JournalFullError extends ServiceUnavailableException {
  constructor(readonly retryAfterSeconds: number) {
    super('the write journal is full while the store is unavailable: retry later');
  }
}

const SEGMENT_PATTERN = /^(\d{8})\.ndjson$/;
const segmentName = (n: number) => `${String(n).padStart(8, '0')}.ndjson`;

interface Segment {
  number: number;
  entries: number;
  bytes: number;
}

interface PendingAppend {
  line: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Append-only, bounded, on-disk journal of ingest writes, one JSON line each, in segment files
 * replayed oldest first. Appends are group-committed: every append waits for the write() and
 * fdatasync() of the batch it joined, so a resolved append survives a crash or power loss.
 */
export class WriteJournal {
  private segments: Segment[] = [];
  private active?: { segment: Segment; file: FileHandle };
  private pending: PendingAppend[] = [];
  private flushing?: Promise<void>;
  /** Entries of the oldest segment already replayed by this process (replay resumes after them). */
  private headReplayed = 0;
  private totalEntries = 0;
  private totalBytes = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly retryAfterSeconds: number,
  ) {}

  get entries(): number {
    return this.totalEntries;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Loads what a previous process left (dropping a torn last line, which was never acknowledged). */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((name) => SEGMENT_PATTERN.test(name)).sort();
    for (const name of names) {
      const path = join(this.dir, name);
      const content = await readFile(path);
      const end = content.lastIndexOf(0x0a) + 1;
      if (end < content.length) await truncate(path, end);
      const entries = content.subarray(0, end).toString('utf8').split('\n').filter(Boolean).length;
      if (entries === 0) {
        await rm(path);
        continue;
      }
      this.segments.push({ number: Number(SEGMENT_PATTERN.exec(name)![1]), entries, bytes: end });
      this.totalEntries += entries;
      this.totalBytes += end;
    }
  }

  /** Resolves once the write is on disk; rejects with JournalFullError when it would not fit. */
  append(write: IngestWrite): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(write)}\n`);
    if (this.totalBytes + line.length > this.maxBytes) return Promise.reject(new JournalFullError(this.retryAfterSeconds));
    // Counted before the disk write so no later write can overtake this one (see JournalingStore).
    this.totalEntries++;
    this.totalBytes += line.length;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Applies every entry oldest first, including those appended meanwhile, and deletes each segment
   * once applied. Stops at the first failure (rethrown); the next replay resumes where this one stopped.
   */
  async replay(apply: (write: IngestWrite) => Promise<void>): Promise<number> {
    let applied = 0;
    while (this.totalEntries > 0) {
      while (this.flushing) await this.flushing;
      const head = this.segments[0];
      if (head === this.active?.segment) await this.seal();
      const lines = (await readFile(join(this.dir, segmentName(head.number)), 'utf8')).split('\n').filter(Boolean);
      for (; this.headReplayed < lines.length; this.headReplayed++) {
        await apply(JSON.parse(lines[this.headReplayed]) as IngestWrite);
        applied++;
        this.totalEntries--;
      }
      await rm(join(this.dir, segmentName(head.number)), { force: true });
      this.totalBytes -= head.bytes;
      this.segments.shift();
      this.headReplayed = 0;
    }
    return applied;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.active?.file.close();
    this.active = undefined;
    // An empty journal leaves nothing behind (fails harmlessly when a segment is still there).
    if (this.totalEntries === 0) await rmdir(this.dir).catch(() => undefined);
  }

  /**
   * Group commit: everything queued so far in one write and one fdatasync. `flushing` is cleared in
   * the same turn the queue is found empty, so an append made after that starts a new flush.
   */
  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const data = Buffer.concat(batch.map((append) => append.line));
        try {
          const active = this.active ?? (await this.startSegment());
          await active.file.write(data);
          await active.file.datasync();
          active.segment.entries += batch.length;
          active.segment.bytes += data.length;
          for (const append of batch) append.resolve();
        } catch (error) {
          this.totalEntries -= batch.length;
          this.totalBytes -= data.length;
          for (const append of batch) append.reject(error as Error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async startSegment(): Promise<{ segment: Segment; file: FileHandle }> {
    const number = (this.segments.at(-1)?.number ?? 0) + 1;
    const file = await open(join(this.dir, segmentName(number)), 'a');
    // The new file's directory entry must be durable too, or a crash could lose the whole segment.
    const dir = await open(this.dir, 'r');
    await dir.sync().finally(() => dir.close());
    const segment = { number, entries: 0, bytes: (await stat(join(this.dir, segmentName(number)))).size };
    this.segments.push(segment);
    this.active = { segment, file };
    return this.active;
  }

  /** Closes the active segment so it can be replayed; the next append starts a new one. */
  private async seal(): Promise<void> {
    if (!this.active) return;
    const { file } = this.active;
    this.active = undefined;
    await file.close();
  }
}
