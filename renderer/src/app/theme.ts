import { Drawer, Modal, Notification, createTheme, type MantineColorsTuple } from '@mantine/core';

/** A calm teal-blue for chrome; red, orange and yellow stay free to mean severity. */
const signal: MantineColorsTuple = ['#e6f8fb', '#d3eef3', '#a7dbe6', '#77c8d9', '#51b8ce', '#38adc7', '#28a8c5', '#1693ad', '#00839b', '#007289'];

export const theme = createTheme({
  primaryColor: 'signal',
  colors: { signal },
  // The darkest shade keeps white button text above 4.5:1 contrast in both themes.
  primaryShade: { light: 9, dark: 9 },
  defaultRadius: 'sm',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", ui-monospace, SFMono-Regular, Menlo, monospace',
  headings: { fontWeight: '600' },
  cursorType: 'pointer',
  // Icon-only close buttons need a name for screen readers.
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close panel' } } }),
    // Their title bars are <header> in Mantine: a second banner landmark beside the app's own
    // header (axe landmark-no-duplicate-banner). A div says nothing a dialog's name does not.
    ModalHeader: { defaultProps: { component: 'div' } },
    DrawerHeader: { defaultProps: { component: 'div' } },
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      // The default grey body text is below AA contrast on the dark notification card.
      styles: { description: { color: 'var(--mantine-color-text)' } },
    }),
  },
});

