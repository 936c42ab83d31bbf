import { describe, expect, it } from 'vitest';
import { loadChart, parseTemplate, renderChart, valuesReferences } from './helm-render.ts';

// No helm binary runs here, so the chart is checked the way `helm lint` would with what does:
// Chart.yaml and values.yaml parse, every value a template reads is defined, blocks balance,
// and the templates rendered by a small renderer for our subset give well-formed manifests.
// The GitHub workflow (.github/workflows/helm.yml) runs the real `helm lint` and `helm template`.
const chart = loadChart('deploy/helm/smartcloudops');

// Parsed YAML, walked freely: the assertions below are what check its shape.
type Parsed = ReturnType<typeof JSON.parse>;
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Parsed; [key: string]: Parsed };
const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const one = (manifests: Manifest[], kind: string) => {
  const found = byKind(manifests, kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  Service: 'v1',
  Ingress: 'networking.k8s.io/v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  PodDisruptionBudget: 'policy/v1',
};

const production = {
  replicaCount: 3,
  adminPassword: 'a-long-password',
  database: { url: 'postgres://sco:pw@postgres:5432/sco', datasourceKey: 'c2VjcmV0LWtleS1vZi0zMi1ieXRlcy1mb3ItdGVzdHM=' },
  ingress: { enabled: true, className: 'nginx', host: 'ops.example.org' },
  persistence: { existingClaim: 'sco-data' },
  runbooks: { 'restart.yml': 'name: restart\nsteps: []\n' },
  extraEnv: [{ name: 'SMARTCLOUDOPS_COLLECT_INTERVAL', value: '30' }],
};

describe('deploy/helm/smartcloudops', () => {
  it('Chart.yaml is a v2 application chart with semantic versions', () => {
    expect(chart.chart).toMatchObject({ apiVersion: 'v2', name: 'smartcloudops' });
    expect(chart.chart.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(chart.chart.appVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('every .Values path a template reads is defined in values.yaml', () => {
    const refs = valuesReferences(chart);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      let node: unknown = chart.values;
      for (const key of ref.split('.')) {
        expect(node !== null && typeof node === 'object' && key in node, `.Values.${ref} is defined in values.yaml`).toBe(true);
        node = (node as Record<string, unknown>)[key];
      }
    }
  });

  it('the block checker refuses unbalanced templates and unknown functions', () => {
    expect(() => parseTemplate('{{- if .Values.a }}\nx: 1\n', 't.yaml')).toThrow(/never closed/);
    expect(() => parseTemplate('x: 1\n{{- end }}\n', 't.yaml')).toThrow(/without an opening block/);
    expect(() => renderChart({ ...chart, templates: new Map([['t.yaml', 'x: {{ .Values.a | sha256sum }}']]) })).toThrow(/sha256sum/);
    for (const [file, source] of chart.templates) expect(() => parseTemplate(source, file), file).not.toThrow();
  });

  describe.each([
    ['default values', {}],
    ['PostgreSQL, 3 replicas, ingress with TLS, runbooks', production],
  ])('rendered with %s', (_label, overrides) => {
    const manifests = renderChart(chart, overrides) as Manifest[];
    const deployment = one(manifests, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const service = one(manifests, 'Service');

    it('gives well-formed objects of known kinds with DNS-1123 names and chart labels', () => {
      for (const m of manifests) {
        expect(API_VERSIONS[m.kind], `${m.kind} is a kind we ship`).toBe(m.apiVersion);
        expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        expect(m.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'smartcloudops', 'app.kubernetes.io/instance': 'sco' });
      }
    });

    it('the Deployment selects its own pods and runs the configured number of replicas', () => {
      expect(deployment.spec.replicas).toBe((overrides as { replicaCount?: number }).replicaCount ?? chart.values.replicaCount);
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(one(manifests, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    });

    it('probes /health for liveness and /ready for readiness on the server port', () => {
      const port = container.ports.find((p: { name: string }) => p.name === 'http');
      expect(port.containerPort).toBe(8787);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(service.spec.ports[0].targetPort).toBe('http');
    });

    it('runs non-root on a read-only root file system with /tmp and /data as volumes', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const volumes = new Map(pod.volumes.map((v: { name: string }) => [v.name, v]));
      for (const mount of container.volumeMounts) expect(volumes.has(mount.name), `volume ${mount.name}`).toBe(true);
      const tmp = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
      expect(volumes.get(tmp.name)).toMatchObject({ emptyDir: {} });
      expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain('/data');
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    });

    it('mounts the runbooks ConfigMap at SMARTCLOUDOPS_RUNBOOKS_DIR and reads secrets from the chart Secret', () => {
      const env = new Map(container.env.map((e: { name: string }) => [e.name, e]));
      const runbooksDir = (env.get('SMARTCLOUDOPS_RUNBOOKS_DIR') as { value: string }).value;
      const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === runbooksDir);
      expect(mount.readOnly).toBe(true);
      const configMap = one(manifests, 'ConfigMap');
      expect(pod.volumes.find((v: { name: string }) => v.name === mount.name).configMap.name).toBe(configMap.metadata.name);
      expect(configMap.data ?? {}).toEqual((overrides as { runbooks?: object }).runbooks ?? {});
      const secret = one(manifests, 'Secret');
      for (const name of ['SMARTCLOUDOPS_ADMIN_PASSWORD', 'SMARTCLOUDOPS_DATABASE_URL', 'SMARTCLOUDOPS_DATASOURCE_KEY']) {
        expect((env.get(name) as { valueFrom: { secretKeyRef: { name: string } } }).valueFrom.secretKeyRef.name).toBe(secret.metadata.name);
      }
      // Secrets never appear as plain env values.
      expect(JSON.stringify(deployment)).not.toContain('a-long-password');
      expect(JSON.stringify(deployment)).not.toContain('c2VjcmV0LWtleS1vZi0zMi1ieXRlcy1mb3ItdGVzdHM=');
    });
  });

  it('with PostgreSQL: the Secret carries the database URL, the Ingress serves TLS for its host, extra env is passed', () => {
    const manifests = renderChart(chart, production) as Manifest[];
    const secret = one(manifests, 'Secret');
    expect(secret.stringData).toEqual({ 'admin-password': 'a-long-password', 'database-url': 'postgres://sco:pw@postgres:5432/sco', 'datasource-key': 'c2VjcmV0LWtleS1vZi0zMi1ieXRlcy1mb3ItdGVzdHM=' });
    const ingress = one(manifests, 'Ingress');
    const service = one(manifests, 'Service');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['ops.example.org'], secretName: 'smartcloudops-tls' }]);
    expect(ingress.spec.rules[0].host).toBe('ops.example.org');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: service.metadata.name, port: { name: 'http' } });
    expect(ingress.metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/proxy-buffering': 'off' });
    const pod = one(manifests, 'Deployment').spec.template.spec;
    expect(pod.volumes.find((v: { name: string }) => v.name === 'data').persistentVolumeClaim).toEqual({ claimName: 'sco-data' });
    expect(pod.containers[0].env).toContainEqual({ name: 'SMARTCLOUDOPS_COLLECT_INTERVAL', value: '30' });
  });

  it('defaults: no Ingress, no secret values, an emptyDir for /data', () => {
    const manifests = renderChart(chart) as Manifest[];
    expect(byKind(manifests, 'Ingress')).toHaveLength(0);
    expect(one(manifests, 'Secret').stringData ?? {}).toEqual({});
    expect(one(manifests, 'Deployment').spec.template.spec.volumes.find((v: { name: string }) => v.name === 'data')).toEqual({ name: 'data', emptyDir: {} });
  });

  it('with existingSecret: no chart Secret, and the pod reads the named one', () => {
    const manifests = renderChart(chart, { existingSecret: 'my-sco-secrets' }) as Manifest[];
    expect(byKind(manifests, 'Secret')).toHaveLength(0);
    const env = one(manifests, 'Deployment').spec.template.spec.containers[0].env;
    expect(env.find((e: { name: string }) => e.name === 'SMARTCLOUDOPS_DATABASE_URL').valueFrom.secretKeyRef.name).toBe('my-sco-secrets');
  });
});
