/** Polls `condition` every 100 ms. Rejects with an error naming `what` after `timeout_ms`. */
export async function waitFor(condition: () => boolean, what: string, timeout_ms: number): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout_ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
