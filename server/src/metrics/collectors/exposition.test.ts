import { describe, expect, it } from 'vitest';
import { ExpositionError, formatOf, parseExposition, parseExpositionInSlices } from './exposition.ts';

describe('Prometheus text exposition parser', () => {
  it('reads names, labels with escapes, special values and timestamps, skipping comments', () => {
    const text = [
      '# HELP node_load1 1m load average.',
      '# TYPE node_load1 gauge',
      'node_load1 0.52',
      'node_cpu_seconds_total{cpu="0",mode="idle"} 901.61',
      'weird{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",} 1e3 1767225600000',
      'http_request_duration_seconds_bucket{le="+Inf"} +Inf',
      'go_gc_pause NaN',
      '',
    ].join('\n');
    const samples = parseExposition(text);
    expect(samples).toEqual([
      { name: 'node_load1', labels: {}, value: 0.52, ts: undefined },
      { name: 'node_cpu_seconds_total', labels: { cpu: '0', mode: 'idle' }, value: 901.61, ts: undefined },
      { name: 'weird', labels: { path: 'C:\\dir', quote: 'say "hi"', nl: 'a\nb' }, value: 1000, ts: 1767225600000 },
      { name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: Infinity, ts: undefined },
      { name: 'go_gc_pause', labels: {}, value: NaN, ts: undefined },
    ]);
  });

  it('reads OpenMetrics: timestamps in seconds, exemplars left out, # EOF skipped', () => {
    const text = [
      '# TYPE http_requests counter',
      '# UNIT http_requests requests',
      'http_requests_total{path="/a # b"} 17 1767225600.25 # {trace_id="abc"} 1.0 1767225600.1',
      'http_requests_created{path="/a # b"} 1767225000',
      'latency_bucket{le="0.5"} 3 # {trace_id="def"} 0.42',
      '# EOF',
    ].join('\n');
    expect(parseExposition(text, 'openmetrics')).toEqual([
      { name: 'http_requests_total', labels: { path: '/a # b' }, value: 17, ts: 1767225600250 },
      { name: 'http_requests_created', labels: { path: '/a # b' }, value: 1767225000, ts: undefined },
      { name: 'latency_bucket', labels: { le: '0.5' }, value: 3, ts: undefined },
    ]);
    // The same exemplar in Prometheus's format is malformed, as it is there.
    expect(() => parseExposition('latency_bucket{le="0.5"} 3 # {trace_id="def"} 0.42')).toThrow(ExpositionError);
    expect(formatOf('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(formatOf('text/plain; version=0.0.4; charset=utf-8')).toBe('prometheus');
    expect(formatOf(null)).toBe('prometheus');
  });

  it('reads UTF-8 metric and label names in Prometheus 3 quoting, escaped to underscores as Prometheus does for 0.0.4 clients', () => {
    const text = [
      '# TYPE "http.server.duration" counter',
      '{"http.server.duration","service.name"="api",code="200"} 2',
      '{ "my.metric" } 1',
      'legacy_name{"k8s.pod" = "p-1"} 3',
      '{"0day-ratio"} 4',
      '{"quoted_\\"name"} 5',
      '',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      { name: 'http_server_duration', labels: { service_name: 'api', code: '200' }, value: 2, ts: undefined },
      { name: 'my_metric', labels: {}, value: 1, ts: undefined },
      { name: 'legacy_name', labels: { k8s_pod: 'p-1' }, value: 3, ts: undefined },
      { name: '_day_ratio', labels: {}, value: 4, ts: undefined },
      { name: 'quoted__name', labels: {}, value: 5, ts: undefined },
    ]);
    for (const bad of ['{"a","b"} 1', 'm{"a"} 1', '{} 1', '{"unterminated} 1', '{""} 1']) expect(() => parseExposition(bad), bad).toThrow(ExpositionError);
  });

  it('keeps a label named __proto__ as a label (assigned, it set the object\'s prototype and was lost)', () => {
    const [a, b] = parseExposition('m{__proto__="a"} 1\nm{"__proto__"="b",x="1"} 2\n');
    expect(Object.entries(a!.labels)).toEqual([['__proto__', 'a']]);
    expect(Object.entries(b!.labels)).toEqual([['__proto__', 'b'], ['x', '1']]);
    expect(Object.getPrototypeOf(a!.labels)).toBe(Object.prototype);
  });

  it('reads what real hosts send: CRLF, a BOM, trailing spaces, comments anywhere, HELP escapes, split families, case-distinct labels, integers', () => {
    const text = [
      '\uFEFF# HELP a_total A counter\\nover two lines, with \\\\ and "quotes".',
      '# TYPE a_total counter',
      'a_total{path="/x"} 5   ',
      '   # a comment indented, and one after samples',
      '#no space after the hash',
      'b{Host="web-1",host="WEB-1"} 1 ',
      'a_total{path="/y"}\t7\t1767225600000',
      '# HELP a_total again, the family split across the body',
      'a_total{path="/x",empty=""} 9007199254740993',
      'B 2',
      '',
    ].join('\r\n');
    expect(parseExposition(text)).toEqual([
      { name: 'a_total', labels: { path: '/x' }, value: 5, ts: undefined },
      { name: 'b', labels: { Host: 'web-1', host: 'WEB-1' }, value: 1, ts: undefined },
      { name: 'a_total', labels: { path: '/y' }, value: 7, ts: 1767225600000 },
      // An empty label is no label (Prometheus): the same series as the first line's.
      { name: 'a_total', labels: { path: '/x' }, value: 9007199254740992, ts: undefined },
      { name: 'B', labels: {}, value: 2, ts: undefined },
    ]);
  });

  it('stops at the sample limit instead of holding whatever a target exposes', () => {
    const text = 'a 1\n# HELP b b\nb 2\nc 3\n';
    expect(parseExposition(text, 'prometheus', { maxSamples: 3 })).toHaveLength(3);
    expect(() => parseExposition(text, 'prometheus', { maxSamples: 2 })).toThrow(/more than 2 samples/);
  });

  it('names the line of malformed input', () => {
    for (const bad of ['1abc 1', 'm{l=1} 1', 'm{l="x} 1', 'm', 'm abc', 'm 1 2.5', 'm 1 2 3']) {
      expect(() => parseExposition(`ok 1\n${bad}`), bad).toThrow(ExpositionError);
      expect(() => parseExposition(`ok 1\n${bad}`), bad).toThrow(/^line 2: /);
    }
  });

  it('parses a big exposition in slices with turns of the event loop between them (a 50,000-line body held the request thread ~0.7 s)', async () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `kube_pod_info{namespace="ns-${i % 50}",pod="pod-${i}"} ${i}`).join('\n');
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    // Slices of 500 lines: 40 slices whatever the machine's speed.
    const samples = await parseExpositionInSlices(text, 'prometheus', undefined, 500);
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(39);
    expect(samples).toHaveLength(20_000);
    expect(samples[19_999]).toEqual({ name: 'kube_pod_info', labels: { namespace: 'ns-49', pod: 'pod-19999' }, value: 19_999, ts: undefined });
    expect(samples.every((s, i) => s.value === i)).toBe(true);
    // Limits hold across slices.
    await expect(parseExpositionInSlices(text, 'prometheus', { maxSamples: 10_000 }, 500)).rejects.toThrow(/^line 10001: more than 10000 samples/);
  });

  it('fails a series over the label limits, naming the limit, as Prometheus fails the scrape', () => {
    const labels = (n: number) => Array.from({ length: n }, (_, i) => `l${i}="v"`).join(',');
    const limits = { maxSamples: Infinity, maxLabels: 3, maxLabelNameLength: 5, maxLabelValueLength: 4 };
    expect(parseExposition(`ok{${labels(3)}} 1\nok{abcde="vvvv"} 1`, 'prometheus', limits)).toHaveLength(2);
    expect(() => parseExposition(`ok 1\nwide{${labels(4)}} 1`, 'prometheus', limits)).toThrow(/^line 2: wide has more than 3 labels \(label_limit\)/);
    expect(() => parseExposition('m{abcdef="v"} 1', 'prometheus', limits)).toThrow(/label name "abcdef" is longer than 5 bytes \(label_name_length_limit\)/);
    expect(() => parseExposition('m{a="vvvvv"} 1', 'prometheus', limits)).toThrow(/value of label a is 5 bytes, more than 4 \(label_value_length_limit\)/);
    // Bytes, as Prometheus counts them: two characters of three bytes each are six.
    expect(() => parseExposition('m{a="€€"} 1', 'prometheus', limits)).toThrow(/value of label a is 6 bytes/);
    // An escaped name counts as stored; a quoted UTF-8 metric name is not a label.
    expect(parseExposition('{"a.b.c.d.e.f"} 1', 'prometheus', limits)).toHaveLength(1);
  });
});
