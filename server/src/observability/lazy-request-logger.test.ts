import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyRequestLogger, lazyChildLoggerFactory } from './lazy-request-logger.ts';

function capture(level: string) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const parent = pino({ level, redact: ['*.password'] }, stream);
  let children = 0;
  const counting = Object.assign(Object.create(parent) as typeof parent, {
    child: (...args: Parameters<typeof parent.child>) => {
      children++;
      return parent.child(...args);
    },
  });
  return { parent: counting, lines, children: () => children };
}

describe('LazyRequestLogger', () => {
  it('makes no child while nothing is logged at an enabled level', () => {
    const { parent, lines, children } = capture('warn');
    const log = new LazyRequestLogger(parent, { reqId: 'req-1' }, {});
    log.info('not written');
    log.debug({ a: 1 }, 'not written either');
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.level).toBe('warn');
    expect(children()).toBe(0);
    expect(lines).toHaveLength(0);
  });

  it('writes what a pino child writes: bindings, object, message, format arguments, redaction', async () => {
    const { parent, lines, children } = capture('info');
    const log = new LazyRequestLogger(parent, { reqId: 'req-2' }, {});
    log.info({ user: { password: 'hunter2' }, n: 3 }, 'hello %s', 'world');
    log.error(new Error('boom'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(children()).toBe(1);
    expect(lines[0]).toMatchObject({ level: 30, reqId: 'req-2', n: 3, msg: 'hello world', user: { password: '[Redacted]' } });
    expect(lines[1]).toMatchObject({ level: 50, reqId: 'req-2', err: { message: 'boom' } });
  });

  it('honours a level set on it, and its children carry its bindings', async () => {
    const { parent, lines } = capture('info');
    const log = new LazyRequestLogger(parent, { reqId: 'req-3' }, {});
    log.level = 'error';
    log.info('dropped');
    log.child({ step: 'x' }).error('kept');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-3', step: 'x', msg: 'kept' });
  });

  it("a route's own log level applies from the first line (the factory makes its child at once)", async () => {
    const { parent, lines, children } = capture('info');
    const log = lazyChildLoggerFactory(parent, { reqId: 'req-4' }, { level: 'debug' });
    expect(children()).toBe(1);
    log.debug('written at the route level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ level: 20, reqId: 'req-4', msg: 'written at the route level' });
  });
});
