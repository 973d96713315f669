import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ApiError, can, get, type Me } from './api';
import type { LiveConnection, LiveEvent } from './live';

export interface AppContextValue {
  me: Me;
  live: LiveConnection;
  can(permission: string): boolean;
  notify(message: string, kind?: 'ok' | 'error'): void;
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the app');
  return value;
}

export const canFor = (me: Me) => (permission: string): boolean => can(me, permission);

/** GETs a path, again every `refreshMs` and after a WebSocket reconnect; `reload` re-reads on demand. */
export function useResource<T>(path: string | undefined, refreshMs = 0): { data: T | undefined; error: string | undefined; reload: () => void } {
  const { live } = useApp();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const seq = useRef(0);
  const reload = useCallback(() => {
    if (!path) return;
    const mine = ++seq.current;
    get<T>(path).then(
      (value) => {
        if (mine === seq.current) {
          setData(value);
          setError(undefined);
        }
      },
      (e: unknown) => mine === seq.current && setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [path]);
  useEffect(() => {
    reload();
    const off = live.onReconnect(reload);
    const timer = refreshMs > 0 ? setInterval(reload, refreshMs) : undefined;
    return () => {
      off();
      if (timer) clearInterval(timer);
    };
  }, [reload, refreshMs, live]);
  return { data, error, reload };
}

/** Live events of topics, delivered in batches. */
export function useLive(topics: readonly string[], onEvents: (events: readonly LiveEvent[]) => void): void {
  const { live } = useApp();
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const key = topics.join(' ');
  useEffect(() => {
    const offs = key ? key.split(' ').map((topic) => live.subscribe(topic, (events) => handler.current(events))) : [];
    return () => offs.forEach((off) => off());
  }, [key, live]);
}
