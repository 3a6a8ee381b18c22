// The feature store end to end (issue 6, acceptance 5): alice creates a feature group from a
// notebook cell with the Python client and ingests a pandas DataFrame into it; in the Feature
// Store panel, opened from the Studio sidebar, she sees its schema and counts, looks a record up
// (and an id that does not exist), draws a histogram, and runs SQL over the offline store — a
// malformed query first, whose error is shown inline, then a good one with Ctrl+Enter.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { openNotebookInSpace, openStudio, post, runFirstCell, signIn } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'alice-features';
const GROUP = 'customers-ui';
const VIEW = 'customers_ui';
const ROWS = 200;
const SEGMENTS = ['bronze', 'silver', 'gold', 'platinum'];

/** What the notebook ingests for customer `i` (the same formulas as the cell's). */
function customer(i) {
  return {
    age: 18 + ((i * 37) % 60),
    balance: Math.round(((i * 7919) % 10000) * 1.5 * 100) / 100,
    segment: SEGMENTS[i % 4]
  };
}

/**
 * The Python the notebook cell runs: lines without indentation, as they are typed. The kernel
 * has no login of its own: it reads the server and an API token from STUDIO_URL and STUDIO_TOKEN,
 * as `StudioClient()` does in jobs.
 */
function ingestionCell(baseURL, token) {
  const segments = JSON.stringify(SEGMENTS);
  return [
    'import os, time',
    'import pandas as pd',
    `os.environ["STUDIO_URL"] = "${baseURL}/"`,
    `os.environ["STUDIO_TOKEN"] = "${token}"`,
    'from jupyter_mlops_studio.client import StudioClient',
    'fs = StudioClient().featurestore',
    `ids = range(1, ${ROWS + 1})`,
    'now = time.time()',
    'df = pd.DataFrame({"customer_id": list(ids)})',
    'df["event_time"] = [now - i for i in ids]',
    'df["age"] = [18 + (i * 37) % 60 for i in ids]',
    'df["balance"] = [round((i * 7919) % 10000 * 1.5, 2) for i in ids]',
    `df["segment"] = [${segments}[i % 4] for i in ids]`,
    'about = dict(description="Customers ingested from a notebook", tags={"team": "growth"})',
    `g = fs.create_group("${GROUP}", "customer_id", "event_time", df, ttl_seconds=30 * 86400, **about)`,
    'summary = g.ingest(df, progress=False)',
    'print(f"rows={summary[\'rows\']} written={summary[\'written\']} ' +
      'rejected={summary[\'rejected\']} online={summary[\'online_written\']}")'
  ].join('\n');
}

test('a group created and ingested from a notebook is looked up and queried in the Feature Store panel', async ({
  browser,
  baseURL
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'alice', 'alice-password', 'featurestore');
  await post(page, '/spaces', {
    name: SPACE,
    sharing: 'private',
    description: 'feature store test'
  });
  const { token } = await post(page, '/me/tokens', {
    description: 'feature store browser test kernel',
    expires_in_days: 1
  });
  expect(token).toBeTruthy();

  // a notebook in the space, from a new launcher
  const studio = await openStudio(page);
  await openNotebookInSpace(page, studio, SPACE);

  // create the group and ingest the DataFrame from a cell
  const cell = await runFirstCell(page, ingestionCell(baseURL, token));
  const output = cell.locator('.jp-OutputArea-output');
  await expect(output).toContainText(
    `rows=${ROWS} written=${ROWS} rejected=0 online=${ROWS}`,
    { timeout: 60000 }
  );
  // the long lines scrolled the editor sideways: show the start of the lines
  await cell.locator('.cm-scroller').evaluate(scroller => (scroller.scrollLeft = 0));
  await page.screenshot({ path: path.join(shots, 'featurestore-notebook.png') });

  // the Feature Store panel, from the Studio sidebar (the file browser is shown meanwhile)
  await (await openStudio(page)).getByRole('button', { name: 'Feature store' }).click();
  await expect(page.getByRole('tab', { name: 'Feature Store' })).toBeVisible();
  const store = page.locator('#jp-mlops-studio-featurestore');
  await expect(store).toBeVisible();
  const item = store
    .getByRole('list', { name: 'Feature groups' })
    .getByRole('listitem', { name: GROUP });
  await expect(item).toContainText('5 features · online + offline');
  await item.getByRole('button').click();
  await expect(item.getByRole('button')).toHaveAttribute('aria-current', 'true');
  await expect(store.getByRole('heading', { name: GROUP, level: 2 })).toBeVisible();

  // its counts and schema
  const stat = field => store.locator(`[data-field="${field}"] dd`);
  await expect(stat('online_records')).toHaveText(String(ROWS));
  await expect(stat('offline_rows')).toHaveText(String(ROWS));
  await expect(stat('offline_files')).not.toHaveText('0');
  await expect(stat('last_write_time').locator('time')).toBeVisible();
  const features = store.getByRole('table', { name: 'Features' });
  const cells = name => features.getByRole('row', { name }).getByRole('cell');
  await expect(cells('customer_id')).toHaveText(['customer_id', 'Integral', 'record identifier']);
  await expect(cells('event_time')).toHaveText(['event_time', 'Fractional', 'event time']);
  await expect(cells('age')).toHaveText(['age', 'Integral', '']);
  await expect(cells('balance')).toHaveText(['balance', 'Fractional', '']);
  await expect(cells('segment')).toHaveText(['segment', 'String', '']);
  await expect(store.getByRole('definition').filter({ hasText: '30 d' })).toBeVisible();
  await expect(store.getByRole('definition').filter({ hasText: 'team=growth' })).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'featurestore-group.png') });

  // look a record up, then an id that was never written
  const lookup = store.getByRole('region', { name: 'Record lookup' });
  await lookup.getByRole('textbox', { name: 'Record id' }).fill('42');
  await lookup.getByRole('button', { name: 'Look up' }).click();
  const record = lookup.getByRole('table', { name: 'Record 42' });
  await expect(record).toBeVisible();
  const expected = customer(42);
  await expect(record.getByRole('row', { name: 'customer_id' })).toContainText('42');
  await expect(record.getByRole('row', { name: 'age' })).toContainText(String(expected.age));
  await expect(record.getByRole('row', { name: 'balance' })).toContainText(
    String(expected.balance)
  );
  await expect(record.getByRole('row', { name: 'segment' })).toContainText(expected.segment);
  await record.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'featurestore-lookup.png') });

  // the histogram of a numeric feature
  const histogram = store.getByRole('region', { name: 'Histogram' });
  await expect(histogram.getByRole('combobox', { name: 'Feature' })).toHaveValue('age');
  const chart = histogram.getByRole('img', { name: 'Histogram of age' });
  await expect(chart).toBeVisible();
  await expect(chart.locator('rect')).toHaveCount(20);
  const counts = await chart
    .locator('rect')
    .evaluateAll(bars => bars.map(bar => Number(bar.getAttribute('data-count'))));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(ROWS);
  await histogram.getByRole('combobox', { name: 'Feature' }).selectOption('balance');
  const balance = histogram.getByRole('img', { name: 'Histogram of balance' });
  await expect(balance).toBeVisible();
  await expect(balance.locator('rect')).toHaveCount(20);
  await balance.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'featurestore-histogram.png') });

  await lookup.getByRole('textbox', { name: 'Record id' }).fill('9999');
  await lookup.getByRole('button', { name: 'Look up' }).click();
  await expect(lookup.getByRole('status')).toHaveText(
    `Record 9999 not found in ${GROUP} (never written, deleted or past its TTL).`
  );
  await expect(lookup.getByRole('table')).toHaveCount(0);

  // SQL: the server's error inline, then results, run with Ctrl+Enter
  const sql = store.getByRole('region', { name: 'SQL query' });
  const editor = sql.getByRole('textbox', { name: 'SQL' });
  await expect(editor).toHaveValue(new RegExp(`FROM ${VIEW}`));
  await editor.fill(`SELEC segment FROM ${VIEW}`);
  await sql.getByRole('button', { name: 'Run' }).click();
  const alert = sql.getByRole('alert');
  await expect(alert).toContainText('syntax error');
  await expect(sql.getByRole('table', { name: 'Query results' })).toHaveCount(0);
  await editor.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'featurestore-sql-error.png') });

  const query =
    'SELECT segment, count(*) AS customers, round(avg(age), 1) AS avg_age\n' +
    `FROM ${VIEW}\nWHERE NOT is_deleted\nGROUP BY segment\nORDER BY segment`;
  await editor.fill(query);
  await editor.press('Control+Enter');
  const results = sql.getByRole('table', { name: 'Query results' });
  await expect(results).toBeVisible();
  await expect(alert).toHaveCount(0);
  await expect(results.getByRole('columnheader')).toHaveText(['segment', 'customers', 'avg_age']);
  const bySegment = {};
  for (let i = 1; i <= ROWS; i++) {
    const { age, segment } = customer(i);
    bySegment[segment] = bySegment[segment] || { n: 0, age: 0 };
    bySegment[segment].n += 1;
    bySegment[segment].age += age;
  }
  const rows = results.locator('tbody tr');
  await expect(rows).toHaveCount(SEGMENTS.length);
  for (const [index, segment] of [...SEGMENTS].sort().entries()) {
    const { n, age } = bySegment[segment];
    const avg = Math.round((age / n) * 10) / 10;
    await expect(rows.nth(index).locator('td')).toHaveText([segment, String(n), String(avg)]);
  }
  await expect(sql.getByRole('status')).toContainText(`${SEGMENTS.length} rows in`);
  // Ctrl+Enter ran the query without typing a new line into it.
  await expect(editor).toHaveValue(query);
  await results.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'featurestore-query.png') });

  await context.close();
});
