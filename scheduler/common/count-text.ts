/**
 * Returns `count` followed by `noun`, in the plural unless the count is one: `1 device`, `2 devices`.
 * `plural` is for nouns whose plural is not the noun with an `s`.
 */
export function countText(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
