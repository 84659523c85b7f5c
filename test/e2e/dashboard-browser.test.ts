// crm dashboard in a real browser: the Debian chromium package driven by playwright-core (skipped where it is missing).
// Checks what only a browser can: no console errors, every chart's marks drawn, Chinese labels, a hostile name
// inert, the print layout on A4, and it writes the README's screenshot (docs/dashboard.png with UPDATE_SCREENSHOT=1).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/cli.js';
import { dashboardAsOf, hostileName, longName, sampleDatabase, type SampleDatabase } from '../helpers/dashboard.js';

const chromiumPath = process.env.CRM_CHROMIUM || '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);
const readmeScreenshot = path.join(projectRoot, 'docs/dashboard.png');

describe.skipIf(!hasChromium)(
  `the dashboard in headless Chromium${hasChromium ? '' : ` (skipped: no Chromium at ${chromiumPath}; apt-get install chromium, or set CRM_CHROMIUM)`}`,
  () => {
    let samples: SampleDatabase;
    let profile: string;
    let browser: BrowserContext;
    const files = { en: '', zh: '', hostile: '' };
    /** What crm segment, crm lifecycle and crm report cohorts print for the samples (before the hostile customer joins). */
    const reference = { pyramid: { rows: [] as { customers: number }[] }, segments: { rows: [] as { customers: number }[] }, stages: { rows: [] as { customers: number }[] }, cohorts: { rows: [] as Record<string, unknown>[] } };
    /** Every URL any page asked for: only the dashboard files themselves may appear. */
    const requests: string[] = [];

    const write = (name: string, argv: string[]): string => {
      const result = samples.crm(['dashboard', '--as-of', dashboardAsOf, ...argv, '--output', name]);
      expect(result.code, result.stderr).toBe(0);
      return path.join(samples.dir, name);
    };

    /** Opens a file and collects its console errors and uncaught exceptions. */
    async function open(file: string): Promise<{ page: Page; errors: string[] }> {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      return { page, errors };
    }

    beforeAll(async () => {
      samples = sampleDatabase();
      files.en = write('en.html', ['--lang', 'en']);
      files.zh = write('zh.html', ['--lang', 'zh']);
      const json = (argv: string[]) => JSON.parse(samples.crm([...argv, '--as-of', dashboardAsOf, '--format', 'json']).stdout);
      reference.pyramid = json(['pyramid']);
      reference.segments = json(['segment']);
      reference.stages = json(['lifecycle']);
      reference.cohorts = json(['report', 'cohorts']);
      samples.addHostileCustomer();
      files.hostile = write('hostile.html', ['--lang', 'en']);
      profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-chromium-'));
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        offline: true,
        viewport: { width: 1200, height: 900 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      browser.on('request', (request) => requests.push(request.url()));
    });

    afterAll(async () => {
      await browser?.close();
      if (profile) fs.rmSync(profile, { recursive: true, force: true });
      samples?.remove();
    });

    it('opens with no console errors and fetches nothing', async () => {
      for (const file of Object.values(files)) {
        const { page, errors } = await open(file);
        expect(errors, file).toEqual([]);
        await page.close();
      }
      expect(new Set(requests)).toEqual(new Set(Object.values(files).map((file) => pathToFileURL(file).href)));
    });

    it('draws every chart with the expected number of visible marks', async () => {
      const { segments, stages, cohorts } = reference;
      // The triangle: every month of the newest 24 cohorts that is not blank (not reached yet) in crm report cohorts.
      const cohortCells = cohorts.rows.slice(-24).reduce((sum, row) => sum + Object.entries(row).filter(([key, value]) => key.startsWith('month_') && value !== null).length, 0);
      const { page } = await open(files.en);
      const charts = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll<SVGSVGElement>('svg.chart')].map((svg) => {
            const marks = [...svg.querySelectorAll<SVGGraphicsElement>('.mark')];
            return [svg.dataset.chart!, {
              marks: marks.length,
              // Drawn: a mark with a size on the page (an empty segment's bar is legitimately 0 wide, so count those apart).
              visible: marks.filter((mark) => { const box = mark.getBoundingClientRect(); return box.width > 0 && box.height > 0; }).length,
              title: svg.querySelector('title')?.textContent ?? '',
              role: svg.getAttribute('role'),
            }];
          }),
        ),
      );
      const expected: Record<string, number> = {
        pyramid: 4, 'segment-customers': segments.rows.length, 'segment-revenue': segments.rows.length, 'rf-heat': 25,
        months: 48, cohorts: cohortCells, lifecycle: 5, loyalty: 4,
      };
      expect(Object.keys(charts).sort()).toEqual(Object.keys(expected).sort());
      for (const [chart, count] of Object.entries(expected)) {
        expect(charts[chart]!.marks, chart).toBe(count);
        expect(charts[chart]!.role, chart).toBe('img');
        expect(charts[chart]!.title.length, chart).toBeGreaterThan(3);
      }
      expect(segments.rows.length).toBe(11);
      expect(cohortCells).toBeGreaterThan(100);
      // Every tier, heat cell, month and loyalty cell is drawn; a bar only where its segment or stage has customers.
      for (const chart of ['pyramid', 'rf-heat', 'months', 'cohorts', 'loyalty']) expect(charts[chart]!.visible, chart).toBe(expected[chart]);
      expect(charts['segment-customers']!.visible).toBe(segments.rows.filter((row) => row.customers > 0).length);
      expect(charts.lifecycle!.visible).toBe(stages.rows.filter((row) => row.customers > 0).length);
      expect(stages.rows).toHaveLength(5);
      // The pyramid's tiers are as wide on screen as their customers (crm pyramid's counts) relative to the lead tier.
      const widths = await page.evaluate(() => [...document.querySelectorAll('[data-chart="pyramid"] .mark')].map((mark) => mark.getBoundingClientRect().width));
      const tierCustomers = reference.pyramid.rows.slice(0, 4).map((row) => row.customers);
      expect(tierCustomers).toHaveLength(4);
      const ratios = widths.map((width) => width / widths[3]!);
      tierCustomers.forEach((customers, index) => expect(ratios[index]).toBeCloseTo(customers / tierCustomers[3]!, 2));
      expect(await page.locator('table[data-table="top-customers"] tbody tr').count()).toBe(20);
      await page.close();
    });

    it('shows the Chinese labels with --lang zh', async () => {
      const { page, errors } = await open(files.zh);
      expect(await page.locator('h1').textContent()).toBe('客户经营看板');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      const tiers = await page.locator('[data-chart="pyramid"] text.strong').allTextContents();
      expect(tiers.map((text) => text.split('：')[0])).toEqual(['铂金客户', '黄金客户', '钢铁客户', '重铅客户']);
      const headings = await page.locator('h2').allTextContents();
      expect(headings).toEqual(['关键指标', '客户价值金字塔', 'RFM 客户细分', '近 24 个月销售额与利润', '客户留存（按首单月份）', '客户关系生命周期', '客户忠诚的四种类型', '利润前 20 位客户', '挽回名单：流失客户']);
      expect(await page.locator('table[data-table="top-customers"] th').first().textContent()).toBe('排名');
      // The Chinese heading is laid out as text of some width (a missing font would still give boxes: see the screenshot).
      expect((await page.locator('h1').boundingBox())!.width).toBeGreaterThan(50);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('shows a hostile customer name as text and never runs it', async () => {
      const { page, errors } = await open(files.hostile);
      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        bold: document.querySelectorAll('b, i').length,
      }));
      expect(state).toEqual({ pwned: undefined, scripts: 0, images: 0, bold: 0 });
      // The hostile customer brings the most profit: first in the top-customers table, name shown exactly as stored.
      const first = page.locator('table[data-table="top-customers"] tbody tr').first().locator('td');
      expect(await first.nth(1).textContent()).toBe('C9999');
      // Cut to 60 characters in the cell, whole in its tooltip: as text either way.
      expect(await first.nth(2).textContent()).toBe(`${hostileName.slice(0, 59)}…`);
      expect(await first.nth(2).getAttribute('title')).toBe(hostileName);
      expect(await first.nth(3).textContent()).toBe('"owner" <i>');
      // The customer with a 200-character name (among the top 20): cut with "…", the whole name in the tooltip, and the page no wider.
      const second = page.locator('table[data-table="top-customers"] tbody tr', { hasText: 'C9998' }).locator('td');
      expect(await second.nth(2).textContent()).toBe(`${longName.slice(0, 59)}…`);
      expect(await second.nth(2).getAttribute('title')).toBe(longName);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1200);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('refuses to run a script even if one got into the page (Content-Security-Policy)', async () => {
      const { page } = await open(files.en);
      const refusal = page.waitForEvent('console', (message) => message.type() === 'error');
      // Playwright's own evaluate is not page script; the <script> element it inserts is, and the policy blocks it.
      const ran = await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = 1';
        document.body.append(script);
        return (window as unknown as { __injected?: number }).__injected;
      });
      expect(ran).toBeUndefined();
      expect((await refusal).text()).toMatch(/Content Security Policy/);
      await page.close();
    });

    it('prints on A4 without running off the page, long names included', async () => {
      for (const file of [files.en, files.hostile]) {
        const { page } = await open(file);
        await page.emulateMedia({ media: 'print' });
        // A4 is 210 mm wide; less 2 × 12 mm of margin that is 186 mm, 703 CSS px at 96 px per inch.
        await page.setViewportSize({ width: 703, height: 1000 });
        const overflow = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          wide: [...document.querySelectorAll('section, svg, table')].filter((element) => element.getBoundingClientRect().right > 703.5).map((element) => element.id || element.tagName),
        }));
        expect(overflow, file).toEqual({ page: 703, wide: [] });
        const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        await page.close();
      }
    });

    it('writes the screenshot for the README', async () => {
      const { page } = await open(files.en);
      // The top of the page: key figures, pyramid, segments and months (the cohorts section starts below).
      const bottom = (await page.locator('#cohorts').boundingBox())!.y;
      const file = process.env.UPDATE_SCREENSHOT === '1' ? readmeScreenshot : path.join(samples.dir, 'dashboard.png');
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom) } });
      const png = fs.readFileSync(file);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeLessThan(600_000);
      await page.close();
    });
  },
);
