// A column of numbers read a row at a time into a typed array that grows by doubling: a million values are 8 MB,
// with no array of boxed numbers copied into it at the end (db/analysis.ts rfmInputs, db/clv.ts purchaseSummary).

export class Float64Column {
  private data: Float64Array;
  length = 0;

  /**
   * CAPACITY: how many values are expected at most, when the caller knows (a count of customers): the storage is then
   * one allocation instead of twenty doublings, each freeing a buffer the C library may keep in the process (crm clv
   * at 1M customers: 346 MB peak before, 334 MB after).
   */
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed, as a view of the column's storage (no copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
