import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../../shared/metrics/selector.ts';
import { fillPromql } from './promql-template.ts';
import { TemplateError, type TemplateScope } from './template.ts';

const scope = (service: unknown, labels: Record<string, string> = {}): TemplateScope => ({ params: { service }, labels, incident: { id: 7 } });

describe('verify query templates', () => {
  it.each([
    'x"} or vector(1) or up{a="',
    "x'} or vector(1) or up{a='",
    'back\\slash\\"',
    'two\nlines',
    'plain-service',
    'ünïcödé',
  ])('keep %j one label value, inside double or single quotes', (value) => {
    for (const query of ['up{service="{{params.service}}"}', "up{service='{{params.service}}'}"]) {
      const filled = fillPromql(query, scope(value));
      // Read back as PromQL's lexer does (the built-in store's selector parser follows it): one matcher, the value intact.
      expect(parseSelector(filled)).toEqual([
        { name: '__name__', op: '=', value: 'up' },
        { name: 'service', op: '=', value },
      ]);
    }
  });

  it('takes plain tokens outside quotes and refuses anything else there', () => {
    expect(fillPromql('rate(errors_total[{{params.service}}]) < 0.1', scope('5m'))).toBe('rate(errors_total[5m]) < 0.1');
    expect(fillPromql('up > {{params.service}}', scope(-1.5))).toBe('up > -1.5');
    expect(() => fillPromql('up > {{params.service}}', scope('0 or vector(1)'))).toThrow(TemplateError);
    expect(() => fillPromql('{{params.service}}', scope('up{a="b"}'))).toThrow(/outside quotes/);
  });

  it('tells strings apart from what follows them, escapes included', () => {
    // The first reference is after a closed string holding an escaped quote: outside quotes.
    expect(() => fillPromql('label_replace(up, "a", "x\\"y", "b", "") > {{params.service}}', scope('1 or vector(1)'))).toThrow(TemplateError);
    expect(fillPromql('up{a="{{labels.a}}", b=`{{params.service}}`}', scope('raw"quote', { a: 'q"' }))).toBe('up{a="q\\"", b=`raw"quote`}');
    expect(() => fillPromql('up{b=`{{params.service}}`}', scope('tick`'))).toThrow(/backtick/);
    expect(() => fillPromql('up{b="{{params.service}}"}', scope('nul\u0000'))).toThrow(/control characters/);
  });
});
