import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { notifyError, notifySuccess } from '../notify.ts';

export interface AdminActionOptions<Input, Output> {
  run: (input: Input) => Promise<Output>;
  /** Queries to refetch after it worked. */
  invalidates: readonly QueryKey[];
  /** What to say when it worked; nothing when null. */
  success: ((output: Output, input: Input) => string) | null;
  /** The title of the error notification ("Could not save the rule"). */
  failure: string;
  onDone?: (output: Output, input: Input) => void;
}

/** One state-changing admin action: run it, refresh what it changed, and say how it went. */
export function useAdminAction<Input, Output>({ run, invalidates, success, failure, onDone }: AdminActionOptions<Input, Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (output, input) => {
      if (success) notifySuccess(success(output, input));
      for (const queryKey of invalidates) void queryClient.invalidateQueries({ queryKey });
      onDone?.(output, input);
    },
    onError: (error) => notifyError(failure, error),
  });
}
