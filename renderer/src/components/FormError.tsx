import { Alert, Code, Text } from '@mantine/core';
import type { AppError } from '../../../shared/errors.ts';
import { adviceFor } from './error-advice.ts';

/** A form's failure: the message as title, what to do next, and the catalogue code. */
export function FormError({ error }: { error: AppError | null }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={error.message} role="alert">
      <Text size="sm">{adviceFor(error.code)}</Text>
      <Code mt={6}>{error.code}</Code>
    </Alert>
  );
}
