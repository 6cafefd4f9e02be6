// The signed-in user, shared by every feature: one query (auth/me), its key, and a hook
// that also returns the user's permissions.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, request, setCsrfToken } from '@/lib/api-client';
import { getAccess, type SessionUser } from '@/lib/access';

export type SessionInfo = { user: SessionUser; csrf_token: string };

export const sessionKeys = { me: ['auth', 'me'] as const };

// Set by an explicit log out, so that the redirect to the login page says "signed out"
// rather than "your session has ended".
let loggedOut = false;
export function setLoggedOut(value: boolean) {
  loggedOut = value;
}
export function wasLoggedOut(): boolean {
  return loggedOut;
}

export async function fetchSession(): Promise<SessionInfo | null> {
  try {
    const { data } = await request<SessionInfo>('/auth/me', { allowUnauthenticated: true });
    setCsrfToken(data.csrf_token);
    return data;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export const sessionQueryOptions = queryOptions({
  queryKey: sessionKeys.me,
  queryFn: fetchSession,
  staleTime: Infinity,
  gcTime: Infinity,
  retry: 1,
});

export function useSession() {
  const { data } = useQuery(sessionQueryOptions);
  const user = data?.user ?? null;
  return { user, access: getAccess(user) };
}
