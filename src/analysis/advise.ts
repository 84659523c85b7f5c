// Relationship type and marketing level per pyramid tier (docs/rules.md#relationship-type-and-marketing-level: Kotler's matrix). Pure.
import type { PyramidLevel } from './pyramid.js';

export type CustomerCount = 'many' | 'medium' | 'few';
export type Margin = 'high' | 'medium' | 'low';
export type RelationshipType = 'basic' | 'reactive' | 'accountable' | 'proactive' | 'partnership';
export type MarketingLevel = 'financial' | 'social' | 'structural';

/** docs/rules.md#relationship-type-and-marketing-level: customers (rows) × margin (columns). */
const matrix: Record<CustomerCount, Record<Margin, RelationshipType>> = {
  many: { high: 'accountable', medium: 'reactive', low: 'basic' },
  medium: { high: 'proactive', medium: 'accountable', low: 'reactive' },
  few: { high: 'partnership', medium: 'proactive', low: 'accountable' },
};

export const relationshipNames: Record<RelationshipType, { name: string; nameZh: string }> = {
  basic: { name: 'basic', nameZh: '基本型' },
  reactive: { name: 'reactive', nameZh: '被动型' },
  accountable: { name: 'accountable', nameZh: '负责型' },
  proactive: { name: 'proactive', nameZh: '主动型' },
  partnership: { name: 'partnership', nameZh: '伙伴型' },
};

/** Financial benefits for many small low-margin customers, social bonds for valuable repeat buyers, structural bonds for a few key partners. */
export const levelOf: Record<RelationshipType, MarketingLevel> = {
  basic: 'financial', reactive: 'financial', accountable: 'social', proactive: 'social', partnership: 'structural',
};

export const levelNames: Record<MarketingLevel, { name: string; nameZh: string }> = {
  financial: { name: 'financial benefits (discounts, points)', nameZh: '财务层次（折扣、积分）' },
  social: { name: 'social benefits (personal contact, clubs)', nameZh: '社交层次（个人联系、俱乐部）' },
  structural: { name: 'structural bonds (shared systems and processes)', nameZh: '结构层次（共享系统与流程）' },
};

export interface AdviceRules {
  /** A tier with at most this share of customers (percent) has "few" customers, … */
  fewUpTo: number;
  /** … at most this share "medium", above it "many". */
  mediumUpTo: number;
  /** Margin: the tier's margin (profit ÷ revenue) against the margin of all customers: high from this ratio, … */
  highFrom: number;
  /** … low below this ratio, medium between. */
  lowBelow: number;
}

export const defaultAdviceRules: AdviceRules = { fewUpTo: 5, mediumUpTo: 25, highFrom: 1.05, lowBelow: 0.95 };

export interface TierAdvice {
  level: PyramidLevel;
  count: CustomerCount;
  margin: Margin;
  /** Profit ÷ revenue of all customers in the pyramid, in percent; null without revenue. */
  averageMarginPercent: number | null;
  /** The tier's margin ÷ the average margin; null when either is missing or the average is not positive. */
  marginRatio: number | null;
  relationship: RelationshipType;
  marketingLevel: MarketingLevel;
}

/**
 * The margin of a tier is what a shop owner calls margin, profit ÷ revenue (the pyramid's Margin column),
 * compared with the same margin over all customers; the count is its share of customers.
 */
export function adviseTiers(levels: PyramidLevel[], rules: AdviceRules = defaultAdviceRules): TierAdvice[] {
  const revenue = levels.reduce((sum, level) => sum + level.revenueCents, 0);
  const profit = levels.reduce((sum, level) => sum + level.profitCents, 0);
  const averageMarginPercent = revenue ? (100 * profit) / revenue : null;
  return levels
    .filter((level) => level.customers > 0)
    .map((level) => {
      const count: CustomerCount = level.customerShare <= rules.fewUpTo ? 'few' : level.customerShare <= rules.mediumUpTo ? 'medium' : 'many';
      const tierMargin = level.marginPercent;
      const marginRatio = tierMargin !== null && averageMarginPercent !== null && averageMarginPercent > 0 ? tierMargin / averageMarginPercent : null;
      const margin: Margin =
        marginRatio === null ? ((tierMargin ?? 0) > 0 ? 'high' : 'low') : marginRatio >= rules.highFrom ? 'high' : marginRatio < rules.lowBelow ? 'low' : 'medium';
      const relationship = matrix[count][margin];
      return { level, count, margin, averageMarginPercent, marginRatio, relationship, marketingLevel: levelOf[relationship] };
    });
}
