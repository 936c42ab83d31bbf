import { SpanKind } from '@opentelemetry/api';
import type { Db } from '../db/database.ts';
import { withSpan } from './tracing.ts';

type Statement = ReturnType<Db['prepare']>;

const EXECUTING = new Set(['run', 'get', 'all', 'iterate']);

/** `SELECT incidents`, `INSERT webhook_deliveries`…: the operation and the first table named, never values. */
export function spanNameOf(sql: string): string {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim();
  const operation = (/^\w+/.exec(text)?.[0] ?? 'SQL').toUpperCase();
  const table = /\b(?:FROM|INTO|UPDATE|TABLE|JOIN)\s+["`[]?(\w+)/i.exec(text)?.[1];
  return table ? `${operation} ${table}` : operation;
}

function traceStatement(statement: Statement, sql: string): Statement {
  const attributes = { 'db.system.name': 'sqlite', 'db.system': 'sqlite', 'db.query.text': sql.slice(0, 2000) };
  const name = spanNameOf(sql);
  const proxy: Statement = new Proxy(statement, {
    get(target, property, _receiver) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (EXECUTING.has(property as string)) {
        return (...args: unknown[]) => withSpan(name, { kind: SpanKind.CLIENT, attributes }, () => method.apply(target, args));
      }
      // pluck(), raw(), expand(), bind()… return the statement itself: keep handing out the traced one.
      return (...args: unknown[]) => {
        const result = method.apply(target, args);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

/**
 * The database with a span around every statement run (a child of the request, job or
 * delivery that runs it): the thin wrapper the db layer gets when tracing is on. Only
 * `prepare` and `exec` are wrapped; transactions, pragmas and the rest pass through to
 * the real object (native methods must see it as `this`).
 */
export function traceDatabase(db: Db): Db {
  const proxy: Db = new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'prepare') return (sql: string, ...rest: unknown[]) => traceStatement(method.call(target, sql, ...rest) as Statement, sql);
      if (property === 'exec') {
        const attributes = (sql: string) => ({ 'db.system.name': 'sqlite', 'db.system': 'sqlite', 'db.query.text': sql.slice(0, 2000) });
        // exec() returns the database for chaining: hand back the traced one.
        return (sql: string) => withSpan(spanNameOf(sql), { kind: SpanKind.CLIENT, attributes: attributes(sql) }, () => (method.call(target, sql), proxy));
      }
      return method.bind(target);
    },
  });
  return proxy;
}
