import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useQuery } from '@tanstack/react-query';
import { AppError } from '../../../shared/errors.ts';
import { renderWithProviders } from '../test/render.tsx';
import { QueryState } from './QueryState.tsx';

function Probe({ fail, items }: { fail?: AppError; items?: string[] }) {
  const query = useQuery({ queryKey: ['probe', fail?.code, items], queryFn: async () => { if (fail) throw fail; return items ?? []; } });
  return (
    <QueryState query={query} isEmpty={(data) => data.length === 0} empty={{ title: 'Nothing here' }} unavailable={{ title: 'Not on this server' }}>
      {(data) => <ul>{data.map((item) => <li key={item}>{item}</li>)}</ul>}
    </QueryState>
  );
}

describe('QueryState', () => {
  it('shows the error code, what to do, and a retry button', async () => {
    renderWithProviders(<Probe fail={new AppError('E_FORBIDDEN')} />);
    expect(await screen.findByText('E_FORBIDDEN')).toBeTruthy();
    expect(screen.getByText(/Ask an administrator/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('says honestly when the server lacks the feature', async () => {
    renderWithProviders(<Probe fail={new AppError('E_NOT_FOUND')} />);
    expect(await screen.findByText('Not on this server')).toBeTruthy();
  });

  it('distinguishes empty from loaded', async () => {
    renderWithProviders(<Probe items={[]} />);
    expect(await screen.findByText('Nothing here')).toBeTruthy();
    renderWithProviders(<Probe items={['web-1']} />);
    expect(await screen.findByText('web-1')).toBeTruthy();
  });

  it('keeps the cached answer when a refresh fails, marked as not up to date with why, since when and a retry', async () => {
    let failWith: AppError | null = null;
    function Cached() {
      const query = useQuery({ queryKey: ['cached'], queryFn: async () => { if (failWith) throw failWith; return ['web-1']; } });
      return <QueryState query={query}>{(data) => <ul>{data.map((item) => <li key={item}>{item}</li>)}</ul>}</QueryState>;
    }
    const { queryClient } = renderWithProviders(<Cached />);
    expect(await screen.findByText('web-1')).toBeTruthy();
    expect(screen.queryByRole('status', { name: 'Not up to date' })).toBeNull();
    const loadedAt = queryClient.getQueryState(['cached'])!.dataUpdatedAt;

    failWith = new AppError('E_NETWORK', 'The server cannot be reached');
    await act(() => queryClient.refetchQueries({ queryKey: ['cached'] }));
    const notice = await screen.findByRole('status', { name: 'Not up to date' });
    expect(screen.getByText('web-1')).toBeTruthy();
    expect(notice.textContent).toContain('The server cannot be reached');
    expect(notice.textContent).toContain('E_NETWORK');
    expect(notice.querySelector('time')!.getAttribute('datetime')).toBe(new Date(loadedAt).toISOString());

    failWith = null;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByRole('status', { name: 'Not up to date' })).toBeNull());
    expect(screen.getByText('web-1')).toBeTruthy();
  });
});
