import { describe, expect, it } from 'vitest';
import { ROUTES } from './routes.tsx';
import { missingPage } from './missing-page.ts';

describe('missingPage', () => {
  it('says a desktop page opened in a browser is in the desktop app', () => {
    expect(missingPage(ROUTES, '/connections', 'admin', 'web')).toMatchObject({ title: 'In the desktop app' });
    expect(missingPage(ROUTES, '/capsules/4', 'viewer', 'web').description).toContain('Imported incident');
  });

  it('names the permission a role lacks', () => {
    const answer = missingPage(ROUTES, '/admin/users', 'viewer', 'web');
    expect(answer.title).toBe('Not for your role');
    expect(answer.description).toContain('users:manage');
    expect(answer.description).toContain('viewer');
  });

  it('says there is no page at an unknown address', () => {
    expect(missingPage(ROUTES, '/no-such-page', 'admin', 'desktop')).toEqual({ title: 'Nothing here', description: 'No page at /no-such-page.' });
  });
});
