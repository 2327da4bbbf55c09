import './dom-setup';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AppProviders } from '../app';
import { SignedIn } from '../auth/signed-in';
import { fakeApi, type FakeApi, type FakeHandler } from './fake-api';
import { me } from './fixtures';

/** Renders a screen inside the app's real providers, signed in as `me` unless routes say otherwise. */
export function renderWithApi(ui: ReactElement, routes: Record<string, FakeHandler> = {}): RenderResult & { api: FakeApi } {
  const api = fakeApi({ 'GET /api/me': () => me, ...routes });
  const result = render(
    <AppProviders fetch={api.fetch} mantineEnv="test">
      <SignedIn>{ui}</SignedIn>
    </AppProviders>,
  );
  return { ...result, api };
}
