/** Reads the indexer API (same origin) and follows its change stream. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExplorerChange } from '../api-types.js';

/** An API error with the indexer's code and message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** GETs JSON from the indexer; non-2xx answers become {@link ApiFailure} with the indexer's message. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal: signal ?? null });
  const body = (await response.json().catch(() => null)) as
    | (T & { error?: { code: string; message: string } })
    | null;
  if (!response.ok || body === null) {
    throw new ApiFailure(
      response.status,
      body?.error?.code ?? 'HTTP',
      body?.error?.message ?? `the indexer answered ${response.status}`,
    );
  }
  return body;
}

type Listener = (change: ExplorerChange) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(live: boolean) => void>();
let source: EventSource | undefined;
let live = false;

function setLive(value: boolean) {
  live = value;
  for (const listener of stateListeners) listener(value);
}

/** Opens the change stream once (the browser reconnects it, resuming from the last event id). */
function connect() {
  if (source) return;
  source = new EventSource('/api/stream');
  source.addEventListener('open', () => setLive(true));
  source.addEventListener('error', () => setLive(false));
  source.addEventListener('change', (event) => {
    const change = JSON.parse((event as MessageEvent<string>).data) as ExplorerChange;
    for (const listener of listeners) listener(change);
  });
}

/** Whether the change stream is connected (re-renders when it changes). */
export function useLive(): boolean {
  const [value, setValue] = useState(live);
  useEffect(() => {
    connect();
    stateListeners.add(setValue);
    return () => void stateListeners.delete(setValue);
  }, []);
  return value;
}

/** What a resource shows: data, the error that prevented it, or neither yet. */
export interface Resource<T> {
  data: T | undefined;
  error: ApiFailure | Error | undefined;
}

/**
 * Loads `path` and loads it again when a change it cares about arrives (coalesced: at most one request in
 * flight, one more queued), so pages follow the chain without a reload.
 */
export function useResource<T>(
  path: string | null,
  relevant: (change: ExplorerChange) => boolean = () => true,
): Resource<T> {
  const [state, setState] = useState<Resource<T>>({ data: undefined, error: undefined });
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;
  useEffect(() => {
    if (path === null) return;
    setState({ data: undefined, error: undefined });
    const controller = new AbortController();
    let running = false;
    let again = false;
    const load = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const data = await getJson<T>(path, controller.signal);
        setState({ data, error: undefined });
      } catch (error) {
        if (!controller.signal.aborted) setState((s) => ({ data: s.data, error: error as Error }));
      } finally {
        running = false;
        if (again && !controller.signal.aborted) {
          again = false;
          void load();
        }
      }
    };
    void load();
    connect();
    const listener: Listener = (change) => {
      if (change.kind === 'reset' || relevantRef.current(change)) void load();
    };
    listeners.add(listener);
    return () => {
      controller.abort();
      listeners.delete(listener);
    };
  }, [path]);
  return state;
}
