import { describe, expect, it } from 'vitest';
import { histogramChartLead, histogramSuggestions } from '../../../../shared/metrics/native-histograms.ts';
import { hasNothingToShow, matrixToSeries } from './matrix.ts';
import { loadHistory, remember } from './query-history.ts';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe('metrics explorer helpers', () => {
  it('turns a Prometheus matrix into chart series, leaving NaN and infinities out of the line', () => {
    const { series, notes, histograms, histogramOnly } = matrixToSeries({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [{ metric: { __name__: 'up', job: 'node' }, values: [[1700000000, '1'], [1700000015, 'NaN'], [1700000030, '+Inf'], [1700000045.5, '0.5']] }],
      },
      warnings: ['PromQL info: metric might not be a counter'],
    });
    expect(series).toEqual([{ id: 0, name: 'up', labels: { job: 'node' }, timestamps: [1_700_000_000_000, 1_700_000_045_500], values: [1, 0.5] }]);
    expect(notes).toEqual(['PromQL info: metric might not be a counter']);
    expect(histogramOnly).toBe(0);
    expect(histograms).toBeNull();
  });

  it('says a partial answer is partial: VictoriaMetrics\' isPartial, and Thanos\' partial-response warning as it came', () => {
    const result = [{ metric: { __name__: 'up', job: 'node' }, values: [[1700000000, '1']] as Array<[number, string]> }];
    const partial = matrixToSeries({ status: 'success', isPartial: true, data: { resultType: 'matrix', result } });
    expect(partial.notes).toEqual([expect.stringMatching(/^Partial answer: .*series may be missing/)]);
    expect(partial.series).toHaveLength(1);
    const thanos = matrixToSeries({ status: 'success', data: { resultType: 'matrix', result }, warnings: ['partial response: store 10.0.0.7:10901 did not answer'] });
    expect(thanos.notes).toEqual(['partial response: store 10.0.0.7:10901 did not answer']);
    expect(matrixToSeries({ status: 'success', isPartial: false, data: { resultType: 'matrix', result } }).notes).toEqual([]);
  });

  it('leaves native histogram series out of the chart and says what to query instead', () => {
    const histogram = { count: '7', sum: '312.4', buckets: [[0, '4', '8', '2']] as Array<[number, string, string, string]> };
    const mixed = matrixToSeries({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { __name__: 'req_seconds', job: 'api' }, histograms: [[1700000000, histogram]] },
          { metric: { __name__: 'scrape_duration_seconds', job: 'api' }, values: [[1700000000, '0.01']] },
        ],
      },
    });
    expect(mixed.series.map((s) => s.name)).toEqual(['scrape_duration_seconds']);
    expect(mixed.series[0]!.id).toBe(0);
    expect(mixed.histograms).toEqual({ series: 1, total: 2 });
    expect(mixed.histogramOnly).toBe(1);
    expect(hasNothingToShow(mixed)).toBe(false);

    const only = matrixToSeries({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, histograms: [[1700000000, histogram]] }] } });
    expect(only.series).toEqual([]);
    expect(only.histograms).toEqual({ series: 1, total: 1 });
    expect(hasNothingToShow(only)).toBe(false);
    expect(hasNothingToShow(matrixToSeries({ status: 'success', data: { resultType: 'matrix', result: [] } }))).toBe(true);
  });

  it('suggests histogram functions around a selector or around the whole expression', () => {
    expect(histogramSuggestions('req_seconds{job="api"}')).toEqual([
      'histogram_quantile(0.9, rate(req_seconds{job="api"}[5m]))',
      'histogram_count(rate(req_seconds{job="api"}[5m]))',
      'histogram_sum(rate(req_seconds{job="api"}[5m]))',
    ]);
    expect(histogramSuggestions(' {__name__=~"req_.*"} ')[0]).toBe('histogram_quantile(0.9, rate({__name__=~"req_.*"}[5m]))');
    expect(histogramSuggestions('sum by (le) (rate(req_seconds[5m]))')[1]).toBe('histogram_count(sum by (le) (rate(req_seconds[5m])))');
    expect(histogramChartLead(1, 1)).toBe('The query answers native histograms (1 series), which a line chart cannot draw');
    expect(histogramChartLead(2, 5)).toBe('2 of 5 series hold native histograms and are not drawn');
  });

  it('keeps the newest queries first, without duplicates, at most fifty', () => {
    const storage = memoryStorage();
    remember('up', storage);
    remember('rate(x[5m])', storage);
    expect(remember('  up ', storage)).toEqual(['up', 'rate(x[5m])']);
    for (let i = 0; i < 60; i++) remember(`q${i}`, storage);
    const history = loadHistory(storage);
    expect(history).toHaveLength(50);
    expect(history[0]).toBe('q59');
  });
});
