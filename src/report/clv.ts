// crm clv reports: per-customer p_alive, expected purchases, value and CLV with the fitted parameters; the hold-out check.
import type { CustomerLabel } from '../db/analysis.js';
import { clvAt, expectedPurchasesAt, expectedValueAt, pAliveAt, type ClvResult, type ClvUnit, type ClvValidation } from '../analysis/clv.js';
import { tiers } from '../analysis/pyramid.js';
import type { CellValue, Column, Lang, Report, Row } from './types.js';
import { listingBatch } from './rfm.js';
import { tierListingColumns } from './pyramid.js';

/** Above this |correlation| between frequency and spend, Gamma-Gamma's independence assumption is doubtful (issue 9). */
export const CORRELATION_WARNING = 0.3;

const unitLabel = (unit: ClvUnit) => `${unit}s`;
const unitLabelZh: Record<ClvUnit, string> = { day: '天', week: '周', month: '月' };

export const clvColumns = (unit: ClvUnit): Column[] => [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'frequency', label: 'Repeat purchases', labelZh: '重复购买次数', type: 'integer' },
  { key: 'recency', label: `Recency (${unitLabel(unit)})`, labelZh: `首末购买间隔（${unitLabelZh[unit]}）`, type: 'number' },
  { key: 'T', label: `Age (${unitLabel(unit)})`, labelZh: `客户年龄（${unitLabelZh[unit]}）`, type: 'number' },
  { key: 'monetary', label: 'Mean repeat value', labelZh: '重复购买均值', type: 'money' },
  { key: 'p_alive', label: 'P(alive)', labelZh: '活跃概率', type: 'number' },
  { key: 'expected_purchases', label: 'Expected purchases', labelZh: '预期购买次数', type: 'number' },
  { key: 'expected_order_value', label: 'Expected order value', labelZh: '预期客单价', type: 'money' },
  { key: 'clv', label: 'CLV', labelZh: '客户终身价值', type: 'money' },
];

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The parameter lines printed above the table (in the report's language), and the same numbers for the JSON envelope. */
function modelDescription(result: ClvResult, lang: Lang): { lines: string[]; meta: Record<string, unknown>; notes: string[] } {
  const { r, alpha, a, b } = result.bgNbd.params;
  const { p, q, v } = result.gammaGamma.params;
  const f = (value: number) => value.toFixed(4);
  const zh = lang === 'zh';
  const bgNbd = `r = ${f(r)}, alpha = ${f(alpha)}, a = ${f(a)}, b = ${f(b)}`;
  const gammaGamma = `p = ${f(p)}, q = ${f(q)}, v = ${f(v)}`;
  const customers = result.summary.customerIds.length;
  const horizonUnits = round(result.horizon.units, 3);
  const percent = round(result.discountRate * 100, 4);
  const correlation = result.correlation.toFixed(3);
  const lines = zh
    ? [
      `BG/NBD（购买次数，时间单位：${unitLabelZh[result.unit]}）：${bgNbd}；对数似然 ${result.bgNbd.logLikelihood.toFixed(2)}，共 ${customers} 位客户（其中 ${result.repeatCustomers} 位有重复购买）`,
      `Gamma-Gamma（每次购买金额）：${gammaGamma}；对数似然 ${result.gammaGamma.logLikelihood.toFixed(2)}，共 ${result.spendCustomers} 位重复购买客户`,
      `预测期 ${result.horizon.text}（${horizonUnits} ${unitLabelZh[result.unit]}），按年率 ${percent} % 逐月折现；购买频次与每次金额的相关系数 ${correlation}`,
    ]
    : [
      `BG/NBD (purchases, time in ${unitLabel(result.unit)}): ${bgNbd}; ` +
        `log-likelihood ${result.bgNbd.logLikelihood.toFixed(2)} over ${customers} customers (${result.repeatCustomers} with repeat purchases)`,
      `Gamma-Gamma (value per purchase): ${gammaGamma}; log-likelihood ${result.gammaGamma.logLikelihood.toFixed(2)} over ${result.spendCustomers} repeat customers`,
      `horizon ${result.horizon.text} (${horizonUnits} ${unitLabel(result.unit)}), discounted monthly at ${percent} % a year; ` +
        `correlation of frequency and value ${correlation}`,
    ];
  const notes: string[] = [];
  if (Math.abs(result.correlation) > CORRELATION_WARNING) {
    const shown = result.correlation.toFixed(2);
    notes.push(zh
      ? `警告：购买频次与每次购买金额相关（${shown}，高于 ${CORRELATION_WARNING}）；Gamma-Gamma 模型假设二者无关，因此这里的预期客单价和客户终身价值不可靠`
      : `warning: frequency and value per purchase are correlated (${shown}, above ${CORRELATION_WARNING}); ` +
        'Gamma-Gamma assumes they are not, so expected_order_value and clv are doubtful here');
  }
  notes.push(zh
    ? '活跃概率：客户仍在购买的概率；预期购买次数：预测期内的次数；客户终身价值 = 预期购买次数 × 预期客单价，逐月折现'
    : 'p_alive: chance the customer still buys; expected_purchases over the horizon; clv = expected purchases × expected order value, discounted');
  const meta = {
    model: {
      unit: result.unit,
      horizon: result.horizon.text,
      horizon_units: result.horizon.units,
      discount_rate: result.discountRate,
      customers: result.summary.customerIds.length,
      repeat_customers: result.repeatCustomers,
      bg_nbd: { r, alpha, a, b, log_likelihood: result.bgNbd.logLikelihood, iterations: result.bgNbd.iterations },
      gamma_gamma: { p, q, v, log_likelihood: result.gammaGamma.logLikelihood, customers: result.spendCustomers, iterations: result.gammaGamma.iterations },
      frequency_value_correlation: result.correlation,
    },
  };
  return { lines, meta, notes };
}

/**
 * Customers by CLV, highest first (ties: more expected purchases, then customer id): their positions in the result.
 * A comparator sort of a million positions takes two work arrays of a million boxed numbers on the JavaScript heap
 * (the peak of crm clv at 1M customers); instead the CLVs are sorted as numbers, each customer placed at its CLV's
 * place (binary search) in the order they come, and only runs of equal CLV are sorted with the comparator.
 */
export function clvOrder(result: ClvResult): Uint32Array {
  const ids = result.summary.customerIds;
  const n = ids.length;
  const clv = (i: number) => clvAt(result, i);
  const purchases = (i: number) => expectedPurchasesAt(result.customers, i);
  const byValue = (i: number, j: number) => clv(j) - clv(i) || purchases(j) - purchases(i) || ids[i]! - ids[j]!;
  const descending = new Float64Array(n);
  for (let i = 0; i < n; i += 1) descending[i] = -clv(i);
  if (descending.some(Number.isNaN)) return Uint32Array.from({ length: n }, (_, i) => i).sort(byValue);
  descending.sort();
  const order = new Uint32Array(n);
  // placed[p]: customers placed so far in the run of equal CLVs that starts at p.
  const placed = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) {
    const value = -clv(i);
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (descending[middle]! < value) low = middle + 1;
      else high = middle;
    }
    order[low + placed[low]!++] = i;
  }
  for (let from = 0, to = 1; from < n; from = to, to = from + 1) {
    while (to < n && descending[to] === descending[from]) to += 1;
    if (to - from < 2) continue;
    const run = order.subarray(from, to);
    for (let k = 1; k < run.length; k += 1) {
      if (byValue(run[k - 1]!, run[k]!) > 0) {
        run.sort(byValue);
        break;
      }
    }
  }
  return order;
}

/**
 * One row of the listing. Made by a constructor, not an object literal: V8 may decide that a literal's objects live
 * long ("pretenuring", when a collection finds most of a batch of rows alive) and from then on allocate them in the
 * old generation, where a million dead rows pile up until a full collection (crm clv at 1M customers: 40-60 MB more,
 * in some runs). Objects made with new are allocated young.
 */
class ClvRow {
  [key: string]: CellValue;
  constructor(result: ClvResult, label: CustomerLabel | undefined, i: number, perUnit: number) {
    const { summary, customers } = result;
    this.customer_id = label?.externalId ?? null;
    this.name = label?.name ?? null;
    this.frequency = summary.frequency[i]!;
    this.recency = summary.recencyDays[i]! / perUnit;
    this.T = summary.ageDays[i]! / perUnit;
    this.monetary = Math.round(summary.monetaryCents[i]!);
    this.p_alive = pAliveAt(customers, i);
    this.expected_purchases = expectedPurchasesAt(customers, i);
    this.expected_order_value = Math.round(expectedValueAt(result, i));
    this.clv = Math.round(clvAt(result, i));
  }
}

/**
 * The customers by CLV. The rows are made as they are written (Report.stream), the names of each batch looked up with
 * it: a million customers are the model's typed arrays and one array of positions, never a million row objects.
 */
export async function clvReport(
  result: ClvResult,
  labelsOf: (customerIds: number[]) => Promise<Map<number, CustomerLabel>>,
  options: { asOf: string; lang: Lang; limit?: number },
): Promise<Report> {
  let order = clvOrder(result);
  if (options.limit !== undefined) order = order.subarray(0, Math.min(order.length, options.limit));
  const { summary } = result;
  const perUnit = { day: 1, week: 7, month: 30 }[result.unit];
  const rowsOf = async (part: Uint32Array): Promise<Row[]> => {
    const labels = await labelsOf(Array.from(part, (i) => summary.customerIds[i]!));
    return Array.from(part, (i) => new ClvRow(result, labels.get(summary.customerIds[i]!), i, perUnit));
  };
  const { lines, meta, notes } = modelDescription(result, options.lang);
  const shown = order;
  return {
    name: 'clv',
    title: `Customer lifetime value as of ${options.asOf}, next ${result.horizon.text} (${shown.length} customers)`,
    titleZh: `客户终身价值（截至 ${options.asOf}，未来 ${result.horizon.text}，${shown.length} 位客户）`,
    asOf: options.asOf,
    columns: clvColumns(result.unit),
    rows: [],
    stream: {
      count: shown.length,
      batches: async function* () {
        for (let start = 0; start < shown.length; start += listingBatch) yield await rowsOf(shown.subarray(start, start + listingBatch));
      },
    },
    preamble: lines,
    meta,
    notes,
  };
}

export function clvValidationReport(validation: ClvValidation, options: { calibrationEnd: string; asOf: string; lang: Lang }): Report {
  const zh = options.lang === 'zh';
  const { r, alpha, a, b } = validation.bgNbd.params;
  const rows: Row[] = validation.rows.map((row) => ({
    frequency: row.frequency === 7 ? '7+' : String(row.frequency),
    customers: row.customers,
    predicted: row.meanPredicted,
    actual: row.meanActual,
    difference: row.meanPredicted - row.meanActual,
  }));
  const error = validation.totalActual > 0 ? ((validation.totalPredicted - validation.totalActual) / validation.totalActual) * 100 : null;
  return {
    name: 'clv-validation',
    title: `CLV model check: fitted on orders to ${options.calibrationEnd}, repeat purchases predicted to ${options.asOf} against what happened`,
    titleZh: `CLV 模型检验：以 ${options.calibrationEnd} 前的订单拟合，预测至 ${options.asOf} 的重复购买并与实际比较`,
    asOf: options.asOf,
    columns: [
      { key: 'frequency', label: 'Calibration repeat purchases', labelZh: '校准期重复购买', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'predicted', label: 'Mean predicted', labelZh: '平均预测', type: 'number' },
      { key: 'actual', label: 'Mean actual', labelZh: '平均实际', type: 'number' },
      { key: 'difference', label: 'Predicted − actual', labelZh: '预测 − 实际', type: 'number' },
    ],
    rows,
    totals: { frequency: zh ? '合计' : 'Total', customers: validation.customers, predicted: validation.totalPredicted, actual: validation.totalActual, difference: validation.totalPredicted - validation.totalActual },
    preamble: [
      zh
        ? `BG/NBD（以校准期订单拟合，时间单位：${unitLabelZh[validation.unit]}）：r = ${r.toFixed(4)}, alpha = ${alpha.toFixed(4)}, a = ${a.toFixed(4)}, b = ${b.toFixed(4)}；` +
          `对数似然 ${validation.bgNbd.logLikelihood.toFixed(2)}；验证期 ${round(validation.holdoutUnits, 3)} ${unitLabelZh[validation.unit]}`
        : `BG/NBD on the calibration orders (time in ${unitLabel(validation.unit)}): r = ${r.toFixed(4)}, alpha = ${alpha.toFixed(4)}, a = ${a.toFixed(4)}, b = ${b.toFixed(4)}; ` +
          `log-likelihood ${validation.bgNbd.logLikelihood.toFixed(2)}; hold-out ${round(validation.holdoutUnits, 3)} ${unitLabel(validation.unit)}`,
    ],
    meta: {
      model: { unit: validation.unit, calibration_end: options.calibrationEnd, holdout_units: validation.holdoutUnits, bg_nbd: { r, alpha, a, b, log_likelihood: validation.bgNbd.logLikelihood } },
      total: { customers: validation.customers, predicted: validation.totalPredicted, actual: validation.totalActual },
    },
    notes: [
      zh
        ? `共预测 ${validation.totalPredicted.toFixed(1)} 次重复购买，实际发生 ${validation.totalActual} 次` +
          (error === null ? '' : `（${error >= 0 ? '+' : ''}${error.toFixed(1)} %）`) +
          '；各行预测与实际接近时，模型对这些客户可信，相差很大时则不可信'
        : `in all ${validation.totalPredicted.toFixed(1)} repeat purchases predicted, ${validation.totalActual} happened` +
          (error === null ? '' : ` (${error >= 0 ? '+' : ''}${error.toFixed(1)} %)`) +
          '; a model that is close per row here can be trusted on these customers, one that is far off cannot',
      ...(validation.totalActual === 0 ? [emptyHoldoutWarning(options)] : []),
    ],
  };
}

/**
 * No purchase at all after the calibration end: the orders most likely stop before --as-of (an export that
 * ends earlier), and the comparison says nothing about the model. crm clv --validate also prints it on stderr.
 */
export function emptyHoldoutWarning(options: { calibrationEnd: string; asOf: string; lang: Lang }): string {
  return options.lang === 'zh'
    ? `警告：${options.calibrationEnd} 之后至 ${options.asOf} 没有任何购买：订单数据可能在 --as-of 之前就结束了，这一比较无法说明模型好坏`
    : `warning: no purchases at all after ${options.calibrationEnd} up to ${options.asOf}: do the orders reach --as-of? ` +
      'Without them the comparison says nothing about the model';
}

/** crm pyramid --by clv: per tier, customers, their predicted value and share of it, purchases and mean p_alive. */
export function clvPyramidReport(result: ClvResult, placement: { tier: Uint8Array }, options: { asOf: string; lang: Lang; cuts: readonly number[] }): Report {
  const totals = tiers.map(() => ({ customers: 0, clv: 0, purchases: 0, alive: 0 }));
  const customers = result.summary.customerIds.length;
  for (let i = 0; i < customers; i += 1) {
    const level = totals[placement.tier[i]!]!;
    level.customers += 1;
    level.clv += clvAt(result, i);
    level.purchases += expectedPurchasesAt(result.customers, i);
    level.alive += pAliveAt(result.customers, i);
  }
  const totalClv = totals.reduce((sum, level) => sum + level.clv, 0);
  const rows: Row[] = tiers.map((tier, index) => {
    const level = totals[index]!;
    return {
      tier: options.lang === 'zh' ? tier.nameZh : tier.name,
      customers: level.customers,
      customer_share: customers ? (100 * level.customers) / customers : 0,
      clv: Math.round(level.clv),
      clv_share: totalClv > 0 ? (100 * level.clv) / totalClv : null,
      average_clv: level.customers ? Math.round(level.clv / level.customers) : null,
      expected_purchases: level.purchases,
      mean_p_alive: level.customers ? level.alive / level.customers : null,
    };
  });
  const { lines, meta, notes } = modelDescription(result, options.lang);
  const zh = options.lang === 'zh';
  return {
    name: 'pyramid-clv',
    title: `Customer value pyramid by predicted value (CLV, next ${result.horizon.text}) as of ${options.asOf} (${customers} customers)`,
    titleZh: `客户金字塔（按预测终身价值，未来 ${result.horizon.text}，截至 ${options.asOf}，${customers} 位客户）`,
    asOf: options.asOf,
    columns: [
      { key: 'tier', label: 'Tier', labelZh: '层级', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'customer_share', label: 'Share of customers', labelZh: '客户占比', type: 'percent' },
      { key: 'clv', label: 'CLV', labelZh: '预测终身价值', type: 'money' },
      { key: 'clv_share', label: 'Share of CLV', labelZh: '价值占比', type: 'percent' },
      { key: 'average_clv', label: 'Average CLV', labelZh: '平均终身价值', type: 'money' },
      { key: 'expected_purchases', label: 'Expected purchases', labelZh: '预期购买次数', type: 'number' },
      { key: 'mean_p_alive', label: 'Mean P(alive)', labelZh: '平均活跃概率', type: 'number' },
    ],
    rows,
    totals: {
      tier: options.lang === 'zh' ? '合计' : 'Total', customers, customer_share: customers ? 100 : 0, clv: Math.round(totalClv), clv_share: totalClv > 0 ? 100 : null,
      average_clv: customers ? Math.round(totalClv / customers) : null, expected_purchases: totals.reduce((sum, level) => sum + level.purchases, 0), mean_p_alive: null,
    },
    preamble: lines,
    meta,
    // The Gamma-Gamma warning (if any) first, as crm clv prints it; then how the tiers are cut.
    notes: [
      ...notes.slice(0, -1),
      zh
        ? `层级：按预测终身价值排名前 ${options.cuts[0]} %、至 ${options.cuts[1]} %、至 ${options.cuts[2]} % 的客户；临界处并列者归入较高层级`
        : `tiers: top ${options.cuts[0]} %, to ${options.cuts[1]} %, to ${options.cuts[2]} % of customers by predicted CLV; ties at a cut go to the higher tier`,
    ],
  };
}

/** crm pyramid --by clv --customers [--tier T]: the customers with their rank, tier and predicted value. */
export async function clvTierCustomersReport(
  result: ClvResult,
  placement: { tier: Uint8Array; rank: Uint32Array },
  labelsOf: (customerIds: number[]) => Promise<Map<number, CustomerLabel>>,
  options: { asOf: string; lang: Lang; tier: number | null },
): Promise<Report> {
  const ids = result.summary.customerIds;
  const chosen = clvOrder(result).filter((i) => options.tier === null || placement.tier[i] === options.tier);
  const tierName = options.tier === null ? null : tiers[options.tier]!;
  const rowsOf = async (part: Uint32Array): Promise<Row[]> => {
    const labels = await labelsOf(Array.from(part, (i) => ids[i]!));
    return Array.from(part, (i) => {
      const tier = tiers[placement.tier[i]!]!;
      return {
        rank: placement.rank[i]!,
        customer_id: labels.get(ids[i]!)?.externalId ?? null,
        name: labels.get(ids[i]!)?.name ?? null,
        tier: options.lang === 'zh' ? tier.nameZh : tier.name,
        p_alive: pAliveAt(result.customers, i),
        expected_purchases: expectedPurchasesAt(result.customers, i),
        clv: Math.round(clvAt(result, i)),
      };
    });
  };
  return {
    name: 'pyramid-clv-customers',
    title: `${tierName ? `${tierName.name} customers` : 'Customers'} by predicted value (CLV, next ${result.horizon.text}) as of ${options.asOf} (${chosen.length})`,
    titleZh: `${tierName ? tierName.nameZh : '客户'}（按预测终身价值，截至 ${options.asOf}，${chosen.length} 位）`,
    asOf: options.asOf,
    columns: [
      ...tierListingColumns,
      { key: 'p_alive', label: 'P(alive)', labelZh: '活跃概率', type: 'number' },
      { key: 'expected_purchases', label: 'Expected purchases', labelZh: '预期购买次数', type: 'number' },
      { key: 'clv', label: 'CLV', labelZh: '客户终身价值', type: 'money' },
    ],
    rows: [],
    // Made as they are written, a batch of names at a time (crm clv streams its listing the same way).
    stream: {
      count: chosen.length,
      batches: async function* () {
        for (let start = 0; start < chosen.length; start += listingBatch) yield await rowsOf(chosen.subarray(start, start + listingBatch));
      },
    },
  };
}
