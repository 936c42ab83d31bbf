import { describe, expect, it } from 'vitest';
import { typedPlainly } from './keyboard.ts';

describe('typedPlainly', () => {
  it('reads other keyboards\' digits as ASCII digits', () => {
    expect(typedPlainly('ack １２')).toBe('ack 12');
    expect(typedPlainly('ack ١٢')).toBe('ack 12');
    expect(typedPlainly('ack ۱۲')).toBe('ack 12');
    expect(typedPlainly('ｓｉｌｅｎｃｅ web-1 ｆｏｒ 1h')).toBe('silence web-1 for 1h');
  });

  it('drops the invisible marks of right-to-left text and of joining', () => {
    expect(typedPlainly('\u200fack 12\u200f')).toBe('ack 12');
    expect(typedPlainly('\u200eack\u200b 12\ufeff')).toBe('ack 12');
    expect(typedPlainly('\u2067ack 12\u2069')).toBe('ack 12');
  });

  it('reads other spaces, hyphens and smart quotes as the plain ones, one character for one', () => {
    expect(typedPlainly('silence\u00a0web\u20111 for\u202f1h')).toBe('silence web-1 for 1h');
    expect(typedPlainly('don’t ack 12 “rolling back” ‘deploy’')).toBe('don\'t ack 12 "rolling back" \'deploy\'');
    // What it does not know stays as typed: an emoji, an accent, a dash that starts a comment, "1½h".
    expect(typedPlainly('ack 12 — déjà vu 🙏 1½h')).toBe('ack 12 — déjà vu 🙏 1½h');
  });
});
