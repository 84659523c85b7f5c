// The lead funnel (issue 11): per source and per owner, how many leads became customers, how fast, for how much.
import type { LeadFacts } from '../db/leads.js';
import { daysBetween } from '../util/dates.js';
import { median } from './binning.js';

export { median };

export interface FunnelGroup {
  groupBy: 'all' | 'source' | 'owner';
  group: string;
  leads: number;
  converted: number;
  /** converted / leads × 100; null without leads. */
  conversionPercent: number | null;
  /** Median of (converted_at − lead_on) in days over the converted ones; null when none converted. */
  medianDaysToConvert: number | null;
  revenueCents: number;
  /** Dropped and not converted. */
  dropped: number;
  /** Neither converted nor dropped: still being worked on. */
  open: number;
  /** The most common drop reasons, most frequent first (ties by name), at most three. */
  dropReasons: { reason: string; count: number }[];
}

export function funnelGroup(groupBy: FunnelGroup['groupBy'], group: string, leads: readonly LeadFacts[]): FunnelGroup {
  const converted = leads.filter((lead) => lead.converted_at !== null);
  // A lead converted before it was recorded (orders imported from before it was entered) took 0 days, not less.
  const days = converted.map((lead) => Math.max(0, daysBetween(lead.lead_on, lead.converted_at!)));
  const dropped = leads.filter((lead) => lead.converted_at === null && lead.dropped_at !== null);
  const reasons = new Map<string, number>();
  for (const lead of dropped) {
    const reason = lead.drop_reason?.trim() || '(no reason)';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return {
    groupBy,
    group,
    leads: leads.length,
    converted: converted.length,
    conversionPercent: leads.length ? (100 * converted.length) / leads.length : null,
    medianDaysToConvert: median(days),
    revenueCents: converted.reduce((sum, lead) => sum + lead.revenue_cents, 0),
    dropped: dropped.length,
    open: leads.length - converted.length - dropped.length,
    dropReasons: [...reasons.entries()]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, 3),
  };
}

/** One row for all leads, then one per source and one per owner (each by name). Empty when there are no leads. */
export function leadFunnel(leads: readonly LeadFacts[]): FunnelGroup[] {
  if (leads.length === 0) return [];
  // A source is typed by hand ("Fair", "fair ", "FAIR"): one group whatever the case and spaces (as crm customer list
  // --source matches), named as the first lead of it spells it. Owners are names and keep their case.
  const by = (key: (lead: LeadFacts) => string, groupBy: 'source' | 'owner', fold: (text: string) => string): FunnelGroup[] => {
    const groups = new Map<string, { name: string; list: LeadFacts[] }>();
    for (const lead of leads) {
      const folded = fold(key(lead));
      const group = groups.get(folded);
      if (group) group.list.push(lead);
      else groups.set(folded, { name: key(lead).trim(), list: [lead] });
    }
    return [...groups.values()].sort((a, b) => a.name.localeCompare(b.name)).map(({ name, list }) => funnelGroup(groupBy, name, list));
  };
  return [
    funnelGroup('all', 'all leads', leads),
    ...by((lead) => lead.source, 'source', (text) => text.trim().replace(/\s+/g, ' ').toLowerCase()),
    ...by((lead) => lead.owner, 'owner', (text) => text.trim()),
  ];
}
