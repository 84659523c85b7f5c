// Issue 16's small defects: a file mixing UTF-8 and GBK, the funnel's leads recorded after they bought,
// --thresholds typed without quotes, and advise's margin said one way in its note and its column.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { dailyDb, dailyDbAt } from '../helpers/daily.js';

interface JsonReport {
  rows: Record<string, unknown>[];
}
const rowsOf = (stdout: string): Record<string, unknown>[] => (JSON.parse(stdout) as JsonReport).rows;

describe('a customers file whose lines mix UTF-8 and GBK', () => {
  it.each([
    ['UTF-8 first, then GBK', Buffer.concat([Buffer.from('customer_id,name,city\nC1,张三,上海\n'), iconv.encode('C2,李四,北京\n', 'gbk')]), 2, 3],
    ['GBK first, then UTF-8', Buffer.concat([iconv.encode('customer_id,name,city\r\nC2,李四,北京\r\n', 'gbk'), Buffer.from('C1,张三,上海\r\n')]), 3, 2],
  ])('%s: exit 3 naming the line, nothing stored', async (_name, bytes, utf8Line, gbkLine) => {
    const t = await dailyDbAt([]);
    const file = path.join(t.dir, 'mixed.csv');
    fs.writeFileSync(file, bytes);
    const result = await t.crm(['import', 'customers', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `crm: ${file}: line ${utf8Line}: this line is UTF-8 but line ${gbkLine} is GBK: the file mixes two encodings; ` +
        'save the whole file again as UTF-8 (or, if this line really is GBK, pass --encoding gbk); nothing was written\n',
    );
    expect(t.one('SELECT count(*) FROM customers')).toBe(0);
  });

  it('UTF-8 for 100,000 lines, then one GBK line: exit 3 at that line, nothing stored', async () => {
    const t = await dailyDbAt([]);
    const file = path.join(t.dir, 'long.csv');
    const lines = ['customer_id,name,city'];
    for (let index = 1; index <= 100_000; index += 1) lines.push(`C${index},张${index},上海`);
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), iconv.encode('X1,李四,北京\n', 'gbk')]));
    const result = await t.crm(['import', 'customers', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}: line 100002: not UTF-8 (GBK?), but line 2 is UTF-8: the file mixes two encodings`);
    expect(t.one('SELECT count(*) FROM customers')).toBe(0);
  });

  it('a GBK file whose first lines are ASCII is still read as GBK', async () => {
    const t = await dailyDbAt([]);
    const file = path.join(t.dir, 'gbk.csv');
    const ascii = Array.from({ length: 5000 }, (_, index) => `A${index},Anna ${index},Paris`).join('\r\n');
    fs.writeFileSync(file, iconv.encode(`customer_id,name,city\r\n${ascii}\r\nC2,李四,北京\r\n`, 'gbk'));
    const result = await t.crm(['import', 'customers', file, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ encoding: 'gb18030', new: 5001 });
    expect(t.one("SELECT name || city FROM customers WHERE external_id = 'C2'")).toBe('李四北京');
  });
});

describe('crm report funnel counts a lead from the earlier of its recorded day and its first order', () => {
  it('a lead imported today that bought in May is in the funnel as of June 1', async () => {
    const t = await dailyDbAt([]);
    fs.writeFileSync(path.join(t.dir, 'c.csv'), 'customer_id,name,kind,source\nL9,Ann,lead,web\nL8,Bo,lead,fair\n');
    fs.writeFileSync(path.join(t.dir, 'o.csv'), 'customer_id,order_date,amount\nL9,2026-05-10,10\n');
    expect((await t.crm(['import', 'customers', path.join(t.dir, 'c.csv')])).code).toBe(0);
    expect((await t.crm(['import', 'orders', path.join(t.dir, 'o.csv')])).code).toBe(0);
    const rows = rowsOf((await t.crm(['report', 'funnel', '--as-of', '2026-06-01', '--format', 'json'])).stdout);
    // L8 was recorded today (2026-11-23) and never bought: not a lead yet on June 1.
    expect(rows[0]).toMatchObject({ group: 'All leads', leads: 1, converted: 1, median_days_to_convert: 0, revenue: 10 });
    const now = rowsOf((await t.crm(['report', 'funnel', '--format', 'json'])).stdout);
    expect(now[0]).toMatchObject({ leads: 2, converted: 1 });
  });
});

describe('--thresholds typed without quotes', () => {
  const words = ['r=115,181,297,482', 'f=4,5,6,8', 'm=256,382,506,666'];
  it.each([[['rfm']], [['segment']], [['snapshot', 'save', '--as-of', '2026-10-31']]])('crm %j takes three words as one quoted word', async (command) => {
    const t = await dailyDb(['customers', 'orders']);
    const unquoted = await t.crm([...command, '--thresholds', ...words, '--format', 'json']);
    expect(unquoted.code, unquoted.stderr).toBe(0);
    if (command[0] === 'snapshot') return;
    const quoted = await t.crm([...command, '--thresholds', words.join(' '), '--format', 'json']);
    expect(unquoted.stdout).toBe(quoted.stdout);
  });

  it('a word that is not measure=cuts is still a usage error', async () => {
    const t = await dailyDb(['customers', 'orders']);
    const result = await t.crm(['rfm', '--thresholds', 'r=1,2', 'f=1,2', 'oops']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('crm: --thresholds: "oops" is not measure=cut,cut,… (measure r, f or m)\n');
  });
});

describe('crm advise says margin one way', () => {
  it('the note quotes the Margin column and compares it with the margin of all customers', async () => {
    const t = await dailyDb(['customers', 'orders']);
    const result = await t.crm(['advise', '--as-of', '2026-10-31', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = rowsOf(result.stdout);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const margin = `${(row.margin_percent as number).toFixed(1)} %`;
      expect(row.reason as string).toMatch(new RegExp(`with (high|medium|low) margin \\(${margin}, \\d+\\.\\d\\d× the average \\d+\\.\\d %\\)`));
    }
    // The grade follows the ratio of margins: high from 1.05×, low below 0.95×.
    for (const row of rows) {
      const [, grade, ratio] = /with (\w+) margin \([^,]+, ([\d.]+)×/.exec(row.reason as string)!;
      expect(grade).toBe(Number(ratio) >= 1.05 ? 'high' : Number(ratio) < 0.95 ? 'low' : 'medium');
    }
  });
});
