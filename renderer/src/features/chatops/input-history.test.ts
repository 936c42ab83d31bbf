import { describe, expect, it } from 'vitest';
import { emptyHistory, recall, remember } from './input-history.ts';

describe('chat input history', () => {
  it('walks back with up, forward with down, and returns to the draft', () => {
    const history = remember(remember(emptyHistory, 'cpu on web-1'), 'ack 12');
    let step = recall(history, 'up', 'half typed');
    expect(step.text).toBe('ack 12');
    step = recall(step.history, 'up', step.text);
    expect(step.text).toBe('cpu on web-1');
    step = recall(step.history, 'up', step.text);
    expect(step.text).toBe('cpu on web-1');
    step = recall(step.history, 'down', step.text);
    expect(step.text).toBe('ack 12');
    step = recall(step.history, 'down', step.text);
    expect(step.text).toBe('half typed');
    expect(step.history.cursor).toBeNull();
  });

  it('does not store the same line twice in a row', () => {
    expect(remember(remember(emptyHistory, 'help'), 'help').lines).toEqual(['help']);
  });
});
