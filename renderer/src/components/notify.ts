import { notifications } from '@mantine/notifications';
import { toAppError } from '../platform/to-app-error.ts';
import { adviceFor } from './error-advice.ts';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 3500 });
}

/** A failed action: its message, code and what to do, without leaving the page. */
export function notifyError(title: string, error: unknown): void {
  const appError = toAppError(error);
  notifications.show({ color: 'red', title, message: `${appError.message} (${appError.code}) ${adviceFor(appError.code)}`, autoClose: 8000 });
}
