/**
 * Small red or orange status text that stays readable (WCAG AA, 4.5:1) on the card
 * background of either colour scheme. Mantine's darkest orange (#d9480f) is 4.29:1 on
 * white, and its dark reds and oranges are below 3:1 on the dark cards; axe flagged the
 * overview's "Silent for 5 min+" line once a long run left targets silent.
 */
export function statusTextColor(tone: 'red' | 'orange', scheme: 'light' | 'dark'): string {
  if (scheme === 'dark') return tone === 'red' ? 'red.4' : 'orange.4';
  // #c2410c: 5.2:1 on white; red.9 (#c92a2a) already passes.
  return tone === 'red' ? 'red.9' : '#c2410c';
}
