// How old an open complaint is and how fast a closed one was resolved (客户投诉处理: "how fast"); pure.

/** How bad a complaint is, and whether it is settled: the codes stored, typed (--severity) and imported. */
export const complaintSeverities = ['low', 'normal', 'high'] as const;
export type ComplaintSeverity = (typeof complaintSeverities)[number];
export const complaintStatuses = ['open', 'resolved'] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];

const DAY_MS = 86_400_000;

/** Days between two ISO date-times, to one decimal (a complaint settled in six hours is 0.3 days). */
export function daysBetweenTimes(fromIso: string, toIso: string): number {
  const days = (Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS;
  return Math.round(Math.max(0, days) * 10) / 10;
}

export interface ComplaintTiming {
  /** Days open so far; null once resolved. */
  age_days: number | null;
  /** Days from opening to resolution; null while open. */
  resolved_in_days: number | null;
}

export function complaintTiming(openedAt: string, resolvedAt: string | null, now: string): ComplaintTiming {
  if (resolvedAt === null) return { age_days: daysBetweenTimes(openedAt, now), resolved_in_days: null };
  return { age_days: null, resolved_in_days: daysBetweenTimes(openedAt, resolvedAt) };
}
