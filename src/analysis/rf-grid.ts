// The R×F grid of the dashboard's heat map: customers and average spend per (R score, F score) pair; pure over RfmScores.
import type { RfmScores } from './rfm.js';

export interface RfCell {
  /** Recency score, 1..bins (N = bought most recently). */
  r: number;
  /** Frequency score, 1..bins (N = bought most often). */
  f: number;
  customers: number;
  /** Average monetary (revenue) of the cell's customers in cents, rounded; null for an empty cell. */
  averageSpendCents: number | null;
}

export interface RfGrid {
  rBins: number;
  fBins: number;
  /** Every (r, f) pair, r from the highest score down, f from 1 up: the order a heat map draws its rows. */
  cells: RfCell[];
  /** Customers with a score of 0 (hand-given thresholds that miss their value): in no cell. */
  outside: number;
}

/** Groups scored customers by (R, F): how many, and what they spent on average (monetary ÷ customers). */
export function rfGrid(scores: RfmScores): RfGrid {
  const rBins = scores.bins.r;
  const fBins = scores.bins.f;
  const customers = new Array<number>(rBins * fBins).fill(0);
  const spend = new Array<number>(rBins * fBins).fill(0);
  let outside = 0;
  for (let i = 0; i < scores.customerIds.length; i++) {
    const r = scores.rScore[i]!;
    const f = scores.fScore[i]!;
    // A score of 0 means "outside every bin" (hand-given thresholds that miss a value): not a cell of the grid.
    if (r < 1 || f < 1 || r > rBins || f > fBins) {
      outside++;
      continue;
    }
    const index = (r - 1) * fBins + (f - 1);
    customers[index]!++;
    spend[index]! += scores.monetaryCents[i]!;
  }
  const cells: RfCell[] = [];
  for (let r = rBins; r >= 1; r--) {
    for (let f = 1; f <= fBins; f++) {
      const index = (r - 1) * fBins + (f - 1);
      const count = customers[index]!;
      cells.push({ r, f, customers: count, averageSpendCents: count ? Math.round(spend[index]! / count) : null });
    }
  }
  return { rBins, fBins, cells, outside };
}
