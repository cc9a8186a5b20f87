/**
 * Questions for `dlpack init` on a terminal (node:readline); none when stdin is not a TTY, so CI
 * and scripts never hang waiting for an answer.
 */
import { createInterface } from 'node:readline/promises';

export type Ask = (question: string, fallback: string) => Promise<string>;

export function ttyAsk(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): { ask?: Ask; close(): void } {
  if (!input.isTTY) return { close() {} };
  const rl = createInterface({ input, output });
  return {
    ask: async (question, fallback) => {
      const answer = await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `);
      return answer.trim() || fallback;
    },
    close: () => rl.close(),
  };
}
