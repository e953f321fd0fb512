import { formatDuration } from '../../src/cli/views/format-duration.ts';

export { formatDuration };

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`;
}

export function sinceLabel(iso: string): string {
  return `${formatDuration(Date.now() - Date.parse(iso))} ago`;
}
