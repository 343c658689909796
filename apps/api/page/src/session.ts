const KEY = 'orgpulse.apiToken';

/**
 * The API token lives in this tab's sessionStorage only. A `#token=` fragment (wall screens) signs in
 * and is removed from the address bar at once, so it is neither bookmarked nor shared with the URL.
 */
export function tokenFromFragment(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

export const currentToken = (): string | null => sessionStorage.getItem(KEY);
export const signIn = (token: string): void => sessionStorage.setItem(KEY, token.trim());
export const signOut = (): void => sessionStorage.removeItem(KEY);
