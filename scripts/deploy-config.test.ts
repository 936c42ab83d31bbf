import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseScrapeTargets } from '../server/src/config.ts';
import { startTestServer } from '../server/src/testing/test-server.ts';

// Docker cannot run on the development machines, so the deployment files are checked with
// what can: Prometheus' and Alertmanager's own validators, and the server's config parser.
const deploy = (file: string) => path.join('deploy', file);
const has = (tool: string) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('deploy/', () => {
  const compose = parse(fs.readFileSync(deploy('compose.yml'), 'utf8')) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
  };

  it.skipIf(!has('promtool'))('prometheus.yml and its rules pass promtool', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-prom-'));
    // The compose file mounts the rules at /etc/prometheus; promtool resolves them relative to the config.
    const config = fs.readFileSync(deploy('prometheus.yml'), 'utf8').replaceAll('/etc/prometheus/', '');
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
    for (const rules of ['alert-rules.yml', 'server-rules.yml']) fs.copyFileSync(deploy(rules), path.join(dir, rules));
    const output = execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(output).toContain('SUCCESS');
    expect(output).toMatch(/server-rules\.yml[\s\S]*SUCCESS: 10 rules found/);
  });

  it.skipIf(!has('promtool'))('the server\'s own alert rules pass promtool check and their unit tests', () => {
    expect(execFileSync('promtool', ['check', 'rules', 'server-rules.yml'], { cwd: 'deploy', encoding: 'utf8' })).toContain('SUCCESS');
    // Each alert fires on the series it is written for, with its annotations rendered.
    expect(execFileSync('promtool', ['test', 'rules', 'server-rules.test.yml'], { cwd: 'deploy', encoding: 'utf8' })).toContain('SUCCESS');
    const alerts = (parse(fs.readFileSync(deploy('server-rules.yml'), 'utf8')) as { groups: { rules: { alert?: string }[] }[] }).groups.flatMap((group) => group.rules).flatMap((rule) => (rule.alert ? [rule.alert] : []));
    const tested = fs.readFileSync(deploy('server-rules.test.yml'), 'utf8');
    for (const alert of alerts) expect(tested, `${alert} has a unit test`).toContain(`alertname: ${alert}`);
  });

  it('the dashboard and the rules use only metrics the server exports', async () => {
    const dashboard = JSON.parse(fs.readFileSync(deploy('grafana/smartcloudops.json'), 'utf8')) as { uid: string; panels: { type: string; title: string; targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    const rules = fs.readFileSync(deploy('server-rules.yml'), 'utf8');
    const server = await startTestServer();
    try {
      await server.injectAs('admin', { method: 'GET', url: '/api/v1/version' });
      const exported = new Set(
        (await server.app.inject({ method: 'GET', url: '/metrics' })).body
          .split('\n')
          .filter((line) => line && !line.startsWith('#'))
          .map((line) => line.split(/[{ ]/)[0]!),
      );
      const used = new Set([...[...exprs, rules].join('\n').matchAll(/\bsmartcloudops_[a-z0-9_]+/g)].map((match) => match[0]));
      expect(used.size).toBeGreaterThan(10);
      for (const metric of used) expect(exported, `${metric} is exported by the server`).toContain(metric);
    } finally {
      await server.close();
    }
    // What the issue asks the dashboard to show, each in at least one panel.
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(' | ');
    for (const topic of ['requests', 'latency', 'error', 'ingest', 'scoring backlog', 'webhook queue', 'database']) expect(titles).toContain(topic);
    expect(dashboard.uid).toBe('smartcloudops-server');
  });

  it('provisions Grafana with the dashboard and the Prometheus data source', () => {
    const grafana = compose.services.grafana!;
    expect(grafana.volumes).toContain('./grafana/smartcloudops.json:/var/lib/grafana/dashboards/smartcloudops.json:ro');
    const provider = parse(fs.readFileSync(deploy('grafana/provisioning/dashboards/smartcloudops.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    expect(provider.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
    const datasource = parse(fs.readFileSync(deploy('grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; url: string }[] };
    expect(datasource.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    expect(compose.services.prometheus!.volumes).toContain('./server-rules.yml:/etc/prometheus/server-rules.yml:ro');
  });

  it.skipIf(!has('amtool'))('alertmanager.yml passes amtool and posts to our receiver', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-am-'));
    const file = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(file, fs.readFileSync(deploy('alertmanager.yml'), 'utf8').replace('ALERTMANAGER_API_KEY', 'sco_example'));
    execFileSync('amtool', ['check-config', file], { encoding: 'utf8' });
    const config = parse(fs.readFileSync(file, 'utf8')) as { receivers: { webhook_configs: { url: string }[] }[] };
    expect(new URL(config.receivers[0]!.webhook_configs[0]!.url).pathname).toBe('/api/v1/integrations/alertmanager');
  });

  it('mounts files that exist and gives the server a valid configuration', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(fs.existsSync(deploy(source))).toBe(true);
      }
    }
    const env = { ...compose.services.server!.environment, SMARTCLOUDOPS_ADMIN_PASSWORD: 'a-long-password', SMARTCLOUDOPS_HOST: '0.0.0.0', SMARTCLOUDOPS_DATA_DIR: '/data' };
    expect(() => loadConfig(env)).not.toThrow();
    expect(parseScrapeTargets(compose.services.server!.environment!.SMARTCLOUDOPS_SCRAPE_TARGETS)).toEqual(['http://node-exporter:9100/metrics']);
  });

  it('the Dockerfile starts the built server the way npm run start:server does', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:server']).toBe('node out/server/main.js');
    expect(dockerfile).toContain('CMD ["node", "out/server/main.js"]');
    expect(dockerfile).toContain('RUN npm run build:server');
    expect(dockerfile).toContain('COPY --from=build /app/out/server ./out/server');
    expect(dockerfile).toMatch(/FROM node:24/);
    for (const copied of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
      const sources = copied[1]!.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(fs.existsSync(source), `${source} exists`).toBe(true);
    }
  });
});
