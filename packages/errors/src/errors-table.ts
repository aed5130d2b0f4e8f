/**
 * Reads the codes listed in a README's errors table (`| Code | Status | Description | How to solve |`)
 * so each package can test that its table and its code list agree, both ways.
 */
export function readErrorsTable(markdown: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`?(MLS_ERR_[A-Z0-9_]+)`?\s*\|\s*(\d{3})\s*\|/.exec(line);
    if (match) rows.set(match[1]!, Number(match[2]));
  }
  return rows;
}
