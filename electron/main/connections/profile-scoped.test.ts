import { describe, expect, it } from 'vitest';
import { ProfileScoped } from './profile-scoped.ts';

class Resource {
  readonly log: string[];
  readonly id: string;
  constructor(id: string, log: string[]) {
    this.id = id;
    this.log = log;
    log.push(`open ${id}`);
  }
  async close() {
    this.log.push(`close ${this.id}`);
  }
}

describe('per-profile resources', () => {
  it('opens for the selected profile, closes on switch, starts once', async () => {
    const log: string[] = [];
    const scoped = new ProfileScoped((id) => new Resource(id, log));
    expect(() => scoped.get()).toThrow(expect.objectContaining({ code: 'E_AUTH_REQUIRED' }));
    await scoped.follow('a');
    await scoped.follow('a');
    scoped.startOnce((resource) => log.push(`start ${resource.id}`));
    scoped.startOnce((resource) => log.push(`start ${resource.id}`));
    await Promise.all([scoped.follow('b'), scoped.follow(null)]);
    expect(log).toEqual(['open a', 'start a', 'close a', 'open b', 'close b']);
    expect(() => scoped.get()).toThrow();
  });
});
