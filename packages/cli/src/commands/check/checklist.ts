/** One item of the deployment checklist. */
export interface CheckItem {
  /** What is checked, as the notebook's checklist names it. */
  title: string;
  /** A required item failing makes `mlserve check` exit non-zero. */
  required: boolean;
  /** `skip`: nothing to check (e.g. no reference outputs were stored). */
  result: 'pass' | 'fail' | 'skip';
  /** The measured figures and what was seen, one line each. */
  details: string[];
}

/** The checklist as markdown: `[x]` passed, `[ ]` failed or skipped, with the figures below each. */
export function formatChecklist(target: string, items: readonly CheckItem[], at = new Date()): string {
  const failed = items.filter((i) => i.required && i.result === 'fail');
  const lines = [
    `# Deployment checklist: ${target}`,
    '',
    `Checked by \`mlserve check\` on ${at.toISOString()}. ${failed.length === 0 ? 'Every required item passed.' : `${failed.length} required item(s) failed.`}`,
    '',
  ];
  for (const item of items) {
    const mark = item.result === 'pass' ? '[x]' : '[ ]';
    const note = item.result === 'skip' ? ' (skipped)' : item.result === 'fail' ? (item.required ? ' — FAILED' : ' — not met (recommended)') : '';
    lines.push(`- ${mark} ${item.title}${item.required ? '' : ' *(recommended)*'}${note}`);
    for (const detail of item.details) lines.push(`  - ${detail}`);
  }
  return `${lines.join('\n')}\n`;
}
