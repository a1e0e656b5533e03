/**
 * Waits for `work`, or for `ms` if it takes longer, and then stops waiting either way (the timer is
 * cleared, so a quick `work` does not keep the process alive for the rest of `ms`).
 */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
