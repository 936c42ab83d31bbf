import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
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

  it('keeps a profile whose value cannot be opened from wedging the others, and tries it again when followed again', async () => {
    const log: string[] = [];
    let broken = true;
    const scoped = new ProfileScoped((id) => {
      if (id === 'a' && broken) throw new Error('SQLITE_NOTADB at /home/someone/.config/cache/a.db');
      return new Resource(id, log);
    });
    await expect(scoped.follow('a')).resolves.toBeUndefined();
    // Its failure is what get() answers, without the exception's text (it carries paths).
    expect(() => scoped.get()).toThrow(expect.objectContaining({ code: 'E_INTERNAL', message: expect.not.stringContaining('/home') }));
    scoped.startOnce(() => log.push('started a broken one'));
    await scoped.follow('b');
    expect(scoped.get().id).toBe('b');
    broken = false;
    await scoped.follow('a');
    await scoped.follow('a');
    expect(scoped.get().id).toBe('a');
    expect(log).toEqual(['open b', 'close b', 'open a']);
  });

  it('tries again to open a profile that failed, when it is followed again', async () => {
    let attempts = 0;
    const scoped = new ProfileScoped((id) => {
      if (++attempts === 1) throw new AppError('E_INTERNAL', 'newer schema');
      return new Resource(id, []);
    });
    await scoped.follow('a');
    expect(() => scoped.get()).toThrow('newer schema');
    await scoped.follow('a');
    expect(scoped.get().id).toBe('a');
  });

  it('goes on switching when closing the previous value fails', async () => {
    const scoped = new ProfileScoped((id) => ({ id, close: () => Promise.reject(new Error('close failed')) }));
    await scoped.follow('a');
    await expect(scoped.follow('b')).resolves.toBeUndefined();
    expect(scoped.get().id).toBe('b');
  });
});
