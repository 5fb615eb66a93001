import type { ApprovalRule, TimeWindow } from '@jit/events';

/** What a rule may look at: who asks (and the Okta groups they are in), for how long, and when. */
export interface RuleFacts {
  /** The ids of the requester's Okta groups; undefined when no rule needs them (they are looked up only then). */
  groups: string[] | undefined;
  durationSeconds: number;
  now: Date;
}

/** The first rule whose every condition holds, or undefined: then the stages decide. Pure. */
export function firstMatchingRule(rules: readonly ApprovalRule[], facts: RuleFacts): ApprovalRule | undefined {
  return rules.find((rule) => holds(rule, facts));
}

/** Whether any rule looks at the requester's groups (so the directory is asked for them). */
export function needsGroups(rules: readonly ApprovalRule[] | undefined): boolean {
  return (rules ?? []).some((rule) => rule.when.requesterInGroup !== undefined || rule.when.requesterNotInGroup !== undefined);
}

function holds({ when }: ApprovalRule, facts: RuleFacts): boolean {
  const groups = facts.groups ?? [];
  if (when.requesterInGroup !== undefined && !groups.includes(when.requesterInGroup)) return false;
  if (when.requesterNotInGroup !== undefined && groups.includes(when.requesterNotInGroup)) return false;
  if (when.durationAtMostSeconds !== undefined && facts.durationSeconds > when.durationAtMostSeconds) return false;
  if (when.within && !isWithin(when.within, facts.now)) return false;
  if (when.outside && isWithin(when.outside, facts.now)) return false;
  return true;
}

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Whether `now`, read on a wall clock in the window's time zone, falls on one of its days between `from` (included) and `to` (excluded). */
export function isWithin(window: TimeWindow, now: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: window.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('weekday').slice(0, 3).toLowerCase() as (typeof weekdays)[number];
  const minutes = Number(part('hour')) * 60 + Number(part('minute'));
  const [fromMinutes, toMinutes] = [window.from, window.to].map((hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));
  return (window.days ?? weekdays).includes(day) && minutes >= fromMinutes && minutes < toMinutes;
}
