/**
 * Up/down-arrow recall of what was typed, as in a shell: up walks back through earlier
 * lines, down walks forward and finally back to the draft being typed.
 */
export interface InputHistory {
  /** Oldest first. */
  lines: readonly string[];
  /** Index into lines while recalling; null while editing the draft. */
  cursor: number | null;
  draft: string;
}

export const emptyHistory: InputHistory = { lines: [], cursor: null, draft: '' };

export function remember(history: InputHistory, line: string): InputHistory {
  const lines = history.lines.at(-1) === line ? history.lines : [...history.lines, line].slice(-200);
  return { lines, cursor: null, draft: '' };
}

/** Moves through the history; answers the new state and the text the input should show. */
export function recall(history: InputHistory, direction: 'up' | 'down', current: string): { history: InputHistory; text: string } {
  const { lines, cursor } = history;
  if (direction === 'up') {
    if (lines.length === 0) return { history, text: current };
    const next = cursor === null ? lines.length - 1 : Math.max(0, cursor - 1);
    return { history: { lines, cursor: next, draft: cursor === null ? current : history.draft }, text: lines[next]! };
  }
  if (cursor === null) return { history, text: current };
  if (cursor >= lines.length - 1) return { history: { lines, cursor: null, draft: '' }, text: history.draft };
  return { history: { ...history, cursor: cursor + 1 }, text: lines[cursor + 1]! };
}
