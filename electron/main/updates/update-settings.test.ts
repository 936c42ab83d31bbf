import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutoCheck } from './auto-check.ts';
import { htmlToText, releaseNotesText } from './release-notes.ts';
import { UpdateSettingsFile } from './update-settings.ts';
import { startUpdateSettings } from './settings-control.ts';

const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
};

describe('update settings', () => {
  it('default to checking automatically, survive a restart and ignore a damaged file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-update-settings-')), 'update-settings.json');
    expect(new UpdateSettingsFile(file).read()).toEqual({ checkAutomatically: true });
    new UpdateSettingsFile(file).write({ checkAutomatically: false });
    expect(new UpdateSettingsFile(file).read()).toEqual({ checkAutomatically: false });
    fs.writeFileSync(file, '{"checkAutomatically": "yes"');
    expect(new UpdateSettingsFile(file).read()).toEqual({ checkAutomatically: true });
  });
});

describe('automatic checks', () => {
  it('check once when switched on and again every interval, and stop when switched off', async () => {
    let checks = 0;
    const auto = new AutoCheck({ check: async () => void (checks += 1), intervalMs: 20 });
    auto.setEnabled(true);
    expect(checks).toBe(1);
    await waitFor(() => checks >= 3);
    auto.setEnabled(false);
    const stopped = checks;
    // A second schedule on the same interval shows that several intervals went by.
    let witness = 0;
    const clock = new AutoCheck({ check: async () => void (witness += 1), intervalMs: 20 });
    clock.setEnabled(true);
    await waitFor(() => witness >= 4);
    clock.setEnabled(false);
    expect(checks).toBe(stopped);
    expect(auto.running).toBe(false);
  });

  it('survive a failing check', async () => {
    let checks = 0;
    const auto = new AutoCheck({ check: async () => { checks += 1; throw new Error('offline'); }, intervalMs: 20 });
    auto.setEnabled(true);
    await waitFor(() => checks >= 2);
    auto.setEnabled(false);
  });
});

describe('release notes', () => {
  it('turn GitHub HTML into plain text and never keep markup', () => {
    expect(htmlToText('<p>One &lt;two&gt;</p><script>alert(1)</script><p>Three&#33; &#x263A;</p>')).toBe('One <two>\nThree! ☺');
    expect(releaseNotesText([{ version: '1.1.0', note: '<p>a</p>' }, { version: '1.2.0', note: null }])).toBe('1.1.0\na\n\n1.2.0');
    expect(releaseNotesText(null)).toBeNull();
    expect(releaseNotesText('<p></p>')).toBeNull();
  });
});

describe('the settings control', () => {
  it('applies the stored setting at start and every change at once', () => {
    const file = new UpdateSettingsFile(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-update-settings-')), 'update-settings.json'));
    file.write({ checkAutomatically: false });
    let checks = 0;
    const auto = new AutoCheck({ check: async () => void (checks += 1) });
    const control = startUpdateSettings(file, auto);
    expect(auto.running).toBe(false);
    expect(checks).toBe(0);
    expect(control.change({ checkAutomatically: true })).toEqual({ checkAutomatically: true });
    expect(auto.running).toBe(true);
    expect(checks).toBe(1);
    expect(control.read()).toEqual({ checkAutomatically: true });
    control.change({ checkAutomatically: false });
    expect(auto.running).toBe(false);
    expect(file.read()).toEqual({ checkAutomatically: false });
  });
});
