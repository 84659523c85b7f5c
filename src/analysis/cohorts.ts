// Cohorts (crm report cohorts): customers by the month of their first purchase, and how many of each cohort bought in
// each later month. db/report-sales.ts cohortCells counts them in SQL; this tally counts the same cells from each
// customer's months with a purchase, for a caller that reads those in a pass of its own (the dashboard). Pure.

export interface CohortCount {
  /** YYYY-MM */
  cohort: string;
  /** Months after the cohort month (0 = the month of the first purchase). */
  offset: number;
  customers: number;
}

const monthNumber = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthText = (number: number): string => `${String(Math.floor(number / 12)).padStart(4, '0')}-${String((number % 12) + 1).padStart(2, '0')}`;

export class CohortTally {
  /** Cohort month number → customers per offset. */
  private readonly rows = new Map<number, number[]>();

  /** One customer's months with a purchase ('YYYY-MM' each, any order, no repeats). */
  add(months: readonly string[]): void {
    if (months.length === 0) return;
    const numbers = months.map(monthNumber);
    let first = numbers[0]!;
    for (const number of numbers) if (number < first) first = number;
    let row = this.rows.get(first);
    if (!row) this.rows.set(first, (row = []));
    for (const number of numbers) {
      const offset = number - first;
      while (row.length <= offset) row.push(0);
      row[offset]! += 1;
    }
  }

  /** The cells of cohorts from the month of SINCE on (null: all), by cohort then offset, months nobody bought in left out. */
  counts(since: string | null): CohortCount[] {
    const from = since === null ? -Infinity : monthNumber(since);
    const out: CohortCount[] = [];
    for (const cohort of [...this.rows.keys()].sort((a, b) => a - b)) {
      if (cohort < from) continue;
      this.rows.get(cohort)!.forEach((customers, offset) => {
        if (customers > 0) out.push({ cohort: monthText(cohort), offset, customers });
      });
    }
    return out;
  }
}
