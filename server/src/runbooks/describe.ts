import type { ResolvedStep } from '../../../shared/api/runbooks.ts';

/** One line for a resolved step: exactly what will be executed (argv items quoted one by one). */
export function describeResolvedStep(step: ResolvedStep): string {
  switch (step.kind) {
    case 'run': return (step.argv ?? []).map((item) => JSON.stringify(item)).join(' ');
    case 'http':
    case 'webhook': return `${step.method ?? 'POST'} ${step.url ?? ''}`;
    case 'wait': return `wait ${step.durationMs ?? 0} ms`;
    case 'silence': return `silence ${JSON.stringify(step.match ?? {})} for ${step.durationMs ?? 0} ms`;
    default: return `${step.kind}: ${step.text ?? ''}`;
  }
}
