/** The Mantine colour each alert severity is shown in, everywhere in the console. */
export const SEVERITY_COLOR: Record<string, string> = {
  critical: 'red',
  warning: 'orange',
  info: 'blue',
};
