import { Center, Loader, VisuallyHidden } from '@mantine/core';

/** A spinner screen readers announce (a bare Loader may not carry a label). */
export function Loading({ label, fullScreen = false }: { label: string; fullScreen?: boolean }) {
  return (
    <Center role="status" mih={fullScreen ? '100vh' : 120}>
      <Loader />
      <VisuallyHidden>{label}</VisuallyHidden>
    </Center>
  );
}
