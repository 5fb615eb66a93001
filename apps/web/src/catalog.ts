import { formatSeconds } from './time';

/** An application as `GET /v1/applications` lists it. */
export interface Application {
  id: string;
  name: string;
  description: string | null;
  /** What a justification should say, and the pattern it must contain a match of. */
  justification: { hint: string | null; pattern: string | null };
  minDurationSeconds: number;
  maxDurationSeconds: number;
  approval: { kind: 'auto' } | { kind: 'manager' } | { kind: 'stages'; stages: Stage[] };
  owners: string[];
}

type Stage = { kind: 'manager' } | { kind: 'owners' } | { kind: 'users'; users: string[] };

/** Who will approve a request for the application, in words. */
export function approversOf(application: Application): string {
  const { approval } = application;
  if (approval.kind === 'auto') return 'Approved automatically';
  if (approval.kind === 'manager') return 'Your manager';
  return approval.stages
    .map((stage) => {
      if (stage.kind === 'manager') return 'your manager';
      if (stage.kind === 'owners') return `an owner (${application.owners.join(', ')})`;
      return stage.users.join(' or ');
    })
    .join(', then ')
    .replace(/^./, (c) => c.toUpperCase());
}

/** The limits of a request's duration, in words. */
export function limitsOf(application: Application): string {
  return `Between ${formatSeconds(application.minDurationSeconds)} and ${formatSeconds(application.maxDurationSeconds)}`;
}

/** Durations offered with one click, in the API's notation, with their seconds. */
export const PRESETS: { text: string; seconds: number }[] = [
  { text: '15m', seconds: 900 },
  { text: '30m', seconds: 1800 },
  { text: '1h', seconds: 3600 },
  { text: '2h', seconds: 7200 },
  { text: '4h', seconds: 14_400 },
  { text: '8h', seconds: 28_800 },
];
