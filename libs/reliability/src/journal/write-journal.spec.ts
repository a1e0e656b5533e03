import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IngestWrite } from '@astra/storage';
import { TempDir, tempDir } from '../../../../test/temp-dir';
import { JournalFullError, WriteJournal } from './write-journal';

const write = (n: number): IngestWrite => ({
  frames: [{ frame_id: `f-${n}`, instance_id: 'rover-1', timestamp: new Date(n * 1000).toISOString(), received_at: new Date(n * 1000).toISOString(), channels: { voltage: n } }],
  anomalies: [],
});
const ids = (writes: IngestWrite[]) => writes.map((w) => w.frames[0].frame_id);

describe('WriteJournal', () => {
  let dir: TempDir;
  beforeEach(async () => (dir = await tempDir('journal')));
  afterEach(() => dir.remove());

  it('replays every acknowledged write in order, including those appended during replay, then is empty on disk', async () => {
    const journal = new WriteJournal(dir.path, 1024 * 1024, 5);
    await journal.open();
    await Promise.all([1, 2, 3].map((n) => journal.append(write(n))));
    await journal.append(write(4));
    expect(journal.entries).toBe(4);
    const applied: IngestWrite[] = [];
    const replayed = await journal.replay(async (w) => {
      applied.push(w);
      // A write accepted while replay runs queues behind the journal.
      if (w.frames[0].frame_id === 'f-2') await journal.append(write(5));
    });
    expect(replayed).toBe(5);
    expect(ids(applied)).toEqual(['f-1', 'f-2', 'f-3', 'f-4', 'f-5']);
    expect(journal.entries).toBe(0);
    expect(journal.bytes).toBe(0);
    expect(await readdir(dir.path)).toEqual([]);
    await journal.close();
  });

  it('resumes after a failed replay without reapplying what was applied', async () => {
    const journal = new WriteJournal(dir.path, 1024 * 1024, 5);
    await journal.open();
    for (const n of [1, 2, 3]) await journal.append(write(n));
    const applied: string[] = [];
    await expect(journal.replay(async (w) => {
      if (w.frames[0].frame_id === 'f-2') throw new Error('redis went away');
      applied.push(w.frames[0].frame_id);
    })).rejects.toThrow('redis went away');
    expect(journal.entries).toBe(2);
    await journal.replay(async (w) => void applied.push(w.frames[0].frame_id));
    expect(applied).toEqual(['f-1', 'f-2', 'f-3']);
    await journal.close();
  });

  it('keeps its entries across a restart and drops a torn last line, which was never acknowledged', async () => {
    const first = new WriteJournal(dir.path, 1024 * 1024, 5);
    await first.open();
    for (const n of [1, 2]) await first.append(write(n));
    await first.close();
    const [segment] = await readdir(dir.path);
    await appendFile(join(dir.path, segment), '{"frames":[{"frame_id":"f-3"');

    const second = new WriteJournal(dir.path, 1024 * 1024, 5);
    await second.open();
    expect(second.entries).toBe(2);
    await second.append(write(4));
    const applied: IngestWrite[] = [];
    await second.replay(async (w) => void applied.push(w));
    expect(ids(applied)).toEqual(['f-1', 'f-2', 'f-4']);
    await second.close();
  });

  it('refuses a write that would pass the byte bound, with a Retry-After hint, and keeps the others', async () => {
    const size = Buffer.byteLength(`${JSON.stringify(write(1))}\n`);
    const journal = new WriteJournal(dir.path, size * 2, 7);
    await journal.open();
    await journal.append(write(1));
    await journal.append(write(2));
    const refused = journal.append(write(3));
    await expect(refused).rejects.toBeInstanceOf(JournalFullError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 7 });
    expect(journal.entries).toBe(2);
    expect(journal.bytes).toBe(size * 2);
    await journal.close();
  });
});
