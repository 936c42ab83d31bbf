/**
 * Which signing and notarisation a release build can do with the secrets present, and
 * the log lines that say what is skipped. electron-builder reads the secrets itself
 * (CSC_LINK, CSC_KEY_PASSWORD, APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID,
 * WIN_CSC_LINK, WIN_CSC_KEY_PASSWORD); this only decides what to announce and which
 * variables turn the missing parts off cleanly (instead of failing half-way).
 */
export type ReleasePlatform = 'linux' | 'mac' | 'win';

export interface SigningPlan {
  /** GitHub workflow commands (`::notice::`) and plain lines, in order. */
  log: string[];
  /** Variables to append to $GITHUB_ENV for the packaging step. */
  env: Record<string, string>;
  /** A misconfiguration that would fail half-way through packaging: stop before it. */
  error: string | null;
}

const present = (env: Record<string, string | undefined>, ...names: string[]) => names.every((name) => (env[name] ?? '').trim() !== '');

export function signingPlan(platform: ReleasePlatform, env: Record<string, string | undefined>): SigningPlan {
  const log: string[] = [];
  const out: Record<string, string> = {};
  let error: string | null = null;
  if (platform === 'linux') {
    log.push('::notice title=Signing::Linux packages are not code-signed; installed apps verify each update by the SHA-512 in latest-linux.yml.');
  } else if (platform === 'mac') {
    if (present(env, 'CSC_LINK', 'CSC_KEY_PASSWORD')) {
      log.push('macOS: signing with the Developer ID certificate from CSC_LINK.');
    } else {
      log.push('::warning title=Signing skipped::macOS code signing skipped: the CSC_LINK and CSC_KEY_PASSWORD secrets are not set (see docs/deploy.md). The app will not auto-update on macOS until it is signed.');
      // Without this electron-builder searches the runner's keychain and may pick a stray identity.
      out.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
    }
    const apple = present(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID');
    if (apple && !present(env, 'CSC_LINK', 'CSC_KEY_PASSWORD')) {
      // Apple refuses to notarise an unsigned app; better to stop here than after a 20-minute build.
      error = '::error title=Notarisation::APPLE_ID and friends are set but CSC_LINK/CSC_KEY_PASSWORD are not: notarisation needs a signed app.';
    } else if (apple) {
      log.push('macOS: notarising with APPLE_ID for team APPLE_TEAM_ID (electron-builder reads the secrets).');
    } else {
      // electron-builder also skips notarisation when these are absent; this says so where it is seen.
      log.push('::warning title=Notarisation skipped::macOS notarisation skipped: the APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID secrets are not set.');
    }
  } else {
    if (present(env, 'WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD')) {
      log.push('Windows: signing the installer with the certificate from WIN_CSC_LINK.');
    } else {
      log.push('::warning title=Signing skipped::Windows code signing skipped: the WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD secrets are not set (see docs/deploy.md). SmartScreen will warn on install.');
      out.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
    }
  }
  return { log, env: out, error };
}
