import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

/** A child process writing through ChunkedStdout to its stdout (a pipe), running `body` with `out` in scope. */
function child(body: string) {
  return spawn(process.execPath, ['--require', './scripts/register-ts.js', '-e', `const { ChunkedStdout } = require('./libs/observability/src/logging/chunked-stdout.ts'); const out = new ChunkedStdout(); ${body}`], { cwd: root });
}

const exited = (process: ReturnType<typeof child>) => new Promise<number | null>((resolve) => process.on('close', (code) => resolve(code)));

describe('chunked stdout', () => {
  it('writes every line in order when the reader falls behind, long lines included', async () => {
    // 1 MB of lines and a 200 kB one: the pipe (64 kB) fills while the reader is paused. Node makes
    // the pipe non-blocking once process.stdout is used: the writes then meet EAGAIN and must wait.
    const writer = child(`process.stdout.write(''); for (let i = 0; i < 2000; i++) { out.write(JSON.stringify({ i, pad: 'x'.repeat(500) }) + '\\n'); if (i === 1000) out.write(JSON.stringify({ i: 'long', pad: 'é'.repeat(100000) }) + '\\n'); }`);
    writer.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chunks: Buffer[] = [];
    writer.stdout.on('data', (chunk: Buffer) => chunks.push(chunk)).resume();
    expect(await exited(writer)).toBe(0);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { i: number | string; pad: string });
    expect(lines.map((line) => line.i)).toEqual([...Array.from({ length: 1001 }, (_, i) => i), 'long', ...Array.from({ length: 999 }, (_, i) => i + 1001)]);
    expect(lines[1001].pad).toBe('é'.repeat(100000));
  });

  it('drops the lines and keeps going when nobody reads stdout any more', async () => {
    const writer = child(`setTimeout(() => { for (let i = 0; i < 5000; i++) out.write('{"i":' + i + '}\\n'); out.flushSync(); process.stderr.write('still here'); }, 200);`);
    writer.stdout.destroy();
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await exited(writer);
    expect(stderr).toBe('still here');
    expect(code).toBe(0);
  });
});
