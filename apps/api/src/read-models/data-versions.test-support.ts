import type { DataVersions } from './shared-read';

/** Data versions a test moves by hand: one version for every org, the listener up or down. */
export function settableDataVersions(): {
  state: { listening: boolean; version: number };
  dataVersions: DataVersions;
} {
  const state = { listening: true, version: 1 };
  return {
    state,
    dataVersions: {
      get listening() {
        return state.listening;
      },
      epochOf: () => 0,
      of: () => state.version,
    },
  };
}
