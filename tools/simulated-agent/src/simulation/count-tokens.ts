/**
 * The simulator's tokenizer: one token per whitespace-separated word. Crude,
 * but consistent everywhere the simulator reports counts (prompt_eval_count,
 * eval_count, usage), so a client can check the numbers against the text.
 */
export function countTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}
