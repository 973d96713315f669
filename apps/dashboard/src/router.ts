import { useEffect, useState } from 'react';

/** Hash routes (#/agents, #/executions/:id): the gateway serves one index.html, nothing to configure. */
export const navigate = (path: string): void => {
  window.location.hash = path;
};

export function useRoute(): string {
  const read = () => window.location.hash.replace(/^#/, '') || '/';
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
