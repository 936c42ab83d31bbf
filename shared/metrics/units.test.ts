import { describe, expect, it } from 'vitest';
import { commonUnit, formatTicks, formatUnit, unitOfExpression, unitOfMetric, unitOfName, unitSymbol } from './units.ts';

describe('metric units', () => {
  it('reads the unit from Prometheus-style names', () => {
    expect(unitOfName('node_cpu_utilisation_ratio')).toBe('ratio');
    expect(unitOfName('node_memory_used_bytes')).toBe('bytes');
    expect(unitOfName('node_network_receive_bytes_per_second')).toBe('bytes_per_second');
    expect(unitOfName('node_disk_reads_per_second')).toBe('per_second');
    expect(unitOfName('http_request_duration_seconds_bucket')).toBe('seconds');
    expect(unitOfName('http_request_duration_seconds_sum')).toBe('seconds');
    expect(unitOfName('http_request_duration_seconds_count')).toBe('none');
    expect(unitOfName('node_cpu_seconds_total')).toBe('seconds');
    expect(unitOfName('disk_used_percent')).toBe('percent');
    expect(unitOfName('node_hwmon_temp_celsius')).toBe('celsius');
    expect(unitOfName('node_processes')).toBe('none');
  });

  it('prefers the unit the source declares', () => {
    expect(unitOfMetric('queue_fill', { unit: 'ratio' })).toBe('ratio');
    expect(unitOfMetric('node_memory_used_bytes', { unit: '' })).toBe('bytes');
    expect(unitOfMetric('weird_thing', { unit: 'furlongs' })).toBe('none');
  });

  it('follows a rate or an aggregation in PromQL, and gives up on arithmetic', () => {
    expect(unitOfExpression('rate(node_network_receive_bytes_total{device="eth0"}[5m])')).toBe('bytes_per_second');
    expect(unitOfExpression('sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))')).toBe('ratio');
    expect(unitOfExpression('avg_over_time(node_memory_used_bytes[10m])')).toBe('bytes');
    expect(unitOfExpression('rate(http_requests_total[5m])')).toBe('per_second');
    expect(unitOfExpression('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))')).toBe('seconds');
    expect(unitOfExpression('node_memory_used_bytes / node_memory_total_bytes')).toBe('none');
    expect(unitOfExpression('count(up)')).toBe('none');
    // Anomaly feature keys (docs/anomaly.md): a metric with its labels, a counter as rate(...).
    expect(unitOfExpression('node_filesystem_used_bytes{mount="/"}')).toBe('bytes');
    expect(unitOfExpression('rate(node_network_receive_bytes_total{device="eth0"})')).toBe('bytes_per_second');
    expect(unitOfExpression('rate(http_requests_total)')).toBe('per_second');
    expect(unitOfExpression('up', () => ({ unit: 'ratio' }))).toBe('ratio');
  });

  it('formats values with their unit', () => {
    expect(formatUnit(0.452, 'ratio')).toBe('45.2%');
    expect(formatUnit(1, 'ratio')).toBe('100%');
    expect(formatUnit(87.5, 'percent')).toBe('87.5%');
    expect(formatUnit(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatUnit(1.5 * 1024 ** 3, 'bytes')).toBe('1.5 GiB');
    expect(formatUnit(512, 'bytes')).toBe('512 B');
    expect(formatUnit(820 * 1024, 'bytes_per_second')).toBe('820 KiB/s');
    expect(formatUnit(0.35, 'seconds')).toBe('350 ms');
    expect(formatUnit(42, 'seconds')).toBe('42 s');
    expect(formatUnit(5400, 'seconds')).toBe('90 min');
    expect(formatUnit(12_345, 'none')).toBe('12.3k');
    expect(formatUnit(3.5, 'per_second')).toBe('3.5/s');
    expect(formatUnit(Number.NaN, 'bytes')).toBe('–');
    expect(unitSymbol('bytes_per_second')).toBe('B/s');
  });

  it('gives zoomed axis ticks as many digits as they need never to repeat', () => {
    const zoomed = [0.1231, 0.1232, 0.1233, 0.1234];
    const labels = formatTicks(zoomed, 'ratio');
    expect(new Set(labels).size).toBe(4);
    expect(labels[0]).toBe('12.31%');
    expect(formatTicks([0, 0.25, 0.5], 'ratio')).toEqual(['0%', '25%', '50%']);
    const bytes = formatTicks([1_073_741_824, 1_073_751_824, 1_073_761_824], 'bytes');
    expect(new Set(bytes).size).toBe(3);
  });

  it('shares a unit across overlaid series only when they agree', () => {
    expect(commonUnit(['bytes', 'bytes'])).toBe('bytes');
    expect(commonUnit(['bytes', 'ratio'])).toBe('none');
    expect(commonUnit([])).toBe('none');
  });
});
