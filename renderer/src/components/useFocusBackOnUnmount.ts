import { useEffect, useState } from 'react';

/**
 * For a dialog that its caller unmounts on close (`{open && <Dialog opened … />}`, a fresh
 * form each time): Mantine returns the focus only when `opened` turns false while mounted,
 * so without this the focus falls to the page's body and the next Tab starts at the top.
 * The element focused when the dialog first renders (the button that opened it, read before
 * any effect moves the focus inside) gets it back when the dialog goes, if it is still there.
 */
export function useFocusBackOnUnmount(): void {
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null));
  useEffect(() => () => {
    if (opener?.isConnected) opener.focus();
  }, [opener]);
}
