let context: AudioContext | null = null;

/**
 * Two short tones, made with Web Audio (no sound file to ship or fetch). Browsers only let
 * a page make sound after the user has interacted with it; a refused or missing audio
 * context stays silent rather than failing the notification.
 */
export async function playAlertSound(): Promise<boolean> {
  const Context = globalThis.AudioContext as typeof AudioContext | undefined;
  if (!Context) return false;
  try {
    context ??= new Context();
    if (context.state === 'suspended') await context.resume();
    const start = context.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.22, 660]] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
    return true;
  } catch {
    return false;
  }
}
