import { createInterface } from 'node:readline/promises';
import { createCliError } from './errors';

/** Something that can ask a yes/no question; tests pass a stub. */
export type Confirm = (question: string) => Promise<boolean>;

/** True when a person can answer: stdin and stdout are both terminals. */
export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Asks on the terminal; only `y`/`yes` confirms. */
export const confirmOnTerminal: Confirm = async (question) => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
};

/** Shared by `models delete` and `bentos delete`: resolves when deletion may proceed. */
export async function confirmDeletion(question: string, options: { yes?: boolean; interactive?: boolean; confirm?: Confirm }): Promise<void> {
  if (options.yes) return;
  if (!(options.interactive ?? isInteractive())) {
    throw createCliError('MLS_ERR_CLI_CONFIRM_REQUIRED', 'Not deleting without confirmation: no terminal to ask on; pass -y to delete');
  }
  const ok = await (options.confirm ?? confirmOnTerminal)(question);
  if (!ok) throw createCliError('MLS_ERR_CLI_ABORTED', 'Aborted; nothing was deleted');
}
