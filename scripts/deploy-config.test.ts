import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseScrapeTargets } from '../server/src/config.ts';

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
    const config = fs.readFileSync(deploy('prometheus.yml'), 'utf8').replace('/etc/prometheus/alert-rules.yml', 'alert-rules.yml');
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
    fs.copyFileSync(deploy('alert-rules.yml'), path.join(dir, 'alert-rules.yml'));
    expect(execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' })).toContain('SUCCESS');
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

  it('the Dockerfile starts the server the way npm run server does', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.server).toBe('node server/src/main.ts');
    expect(dockerfile).toContain('CMD ["node", "server/src/main.ts"]');
    expect(dockerfile).toMatch(/FROM node:24/);
    for (const copied of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
      const sources = copied[1]!.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(fs.existsSync(source), `${source} exists`).toBe(true);
    }
  });
});
