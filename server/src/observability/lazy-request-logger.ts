import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString } from 'pino';

type Log = (...args: unknown[]) => void;

/** The parent loggers this wraps: pino's, which can say whether a level is on. */
type ParentLogger = FastifyBaseLogger & { isLevelEnabled(level: Level): boolean };

/**
 * A request's logger (`request.log`) that becomes a real pino child only when something is
 * logged at an enabled level. Fastify makes a child per request for the request id; with
 * the server's wildcard redaction, pino runs every binding through the redaction to make
 * it, about 5 KB of garbage and a few µs per request, while most requests log nothing
 * through it (the access line has its own logger: access-log.ts). What is logged, and how,
 * is unchanged: the same child, with the same bindings and options, made at the first line.
 */
export class LazyRequestLogger {
  readonly #parent: ParentLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: ParentLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  /** Whether a line at `level` would be written (the child's own level once it exists). */
  #enabled(level: Level): boolean {
    const child = this.#child as (FastifyBaseLogger & { isLevelEnabled(level: Level): boolean }) | undefined;
    return (child ?? this.#parent).isLevelEnabled(level);
  }

  #log(level: Level, args: unknown[]): void {
    if (!this.#enabled(level)) return;
    const real = this.#real() as unknown as Record<Level, Log>;
    real[level](...args);
  }

  isLevelEnabled(level: Level): boolean {
    return this.#enabled(level);
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#real().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }

  error(...args: unknown[]): void {
    this.#log('error', args);
  }

  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }

  info(...args: unknown[]): void {
    this.#log('info', args);
  }

  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }

  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy child per request (see above). A route with its own
 * `logLevel` gets its child at once: whether a line is written then depends on that level,
 * not the parent's, which the lazy logger consults until the child exists.
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined) return logger.child(bindings, options);
  // Its methods take pino's arguments as they come (pino's overloads, forwarded as they are).
  return new LazyRequestLogger(logger as ParentLogger, bindings, options) as unknown as FastifyBaseLogger;
}
