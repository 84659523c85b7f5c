// What merging OTHER into KEEP does to KEEP's profile: fill KEEP's empty fields from OTHER; keep the earlier "since".
import type { CustomerRecord } from '../db/customers.js';

export const fillableFields = ['company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes'] as const;
export type FillableField = (typeof fillableFields)[number];

export interface MergePlan {
  /** Fields of KEEP that are empty and get OTHER's value. */
  fill: Partial<Record<FillableField, string>>;
  /** OTHER was on file earlier: KEEP's created_at becomes OTHER's, so tenure is not lost. */
  createdAt: string | null;
}

const empty = (value: string | null | undefined): boolean => value === null || value === undefined || value.trim() === '';

export function mergePlan(keep: CustomerRecord, other: CustomerRecord): MergePlan {
  const fill: MergePlan['fill'] = {};
  for (const field of fillableFields) {
    if (empty(keep[field]) && !empty(other[field])) fill[field] = other[field]!;
  }
  return { fill, createdAt: other.created_at < keep.created_at ? other.created_at : null };
}
