/**
 * The signed-in user for everything inside the gate. Held in context (not read from the query in
 * each screen) so that signing out unmounts the shell before any screen sees "no user".
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { Me } from '../api/schemas';
import { useMe } from './session';

const SignedInContext = createContext<Me | null>(null);

export function useSignedIn(): Me {
  const me = useContext(SignedInContext);
  if (!me) throw new Error('useSignedIn outside <SignedIn>');
  return me;
}

/** Renders children with the signed-in user, or `fallback` while loading / signed out. */
export function SignedIn({ children, fallback = null }: { children: ReactNode; fallback?: ReactNode }) {
  const { data } = useMe();
  if (!data) return <>{fallback}</>;
  return <SignedInContext.Provider value={data}>{children}</SignedInContext.Provider>;
}
