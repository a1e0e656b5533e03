import { formatTraceId, newSpanId, newTraceIdWords, ratioKey } from './trace-ids';

describe('trace ids', () => {
  it('are lower-case hex of W3C length, with the ratio key read from the id itself', () => {
    for (let i = 0; i < 200; i++) {
      const words = newTraceIdWords();
      const traceId = formatTraceId(words);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const parsed = traceId.match(/.{8}/g)!.map((word) => parseInt(word, 16));
      expect(parsed).toEqual([words.a, words.b, words.c, words.d]);
      expect(ratioKey(words)).toBe(parsed.reduce((key, word) => (key ^ word) >>> 0, 0));
      expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    }
  });
});
