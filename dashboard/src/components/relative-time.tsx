import { useEffect, useState } from 'react';
import { formatTime, sinceLabel } from '../time.ts';

/** "12s ago", advancing on its own, with the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((value) => value + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  return <time dateTime={iso} title={formatTime(iso)}>{sinceLabel(iso)}</time>;
}
