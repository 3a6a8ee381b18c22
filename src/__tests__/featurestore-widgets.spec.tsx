import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { act } from 'react';

import type { IHistogram, IQueryResult } from '../featurestore/api';
import { FeatureStoreModel } from '../featurestore/model';
import {
  formatDuration,
  formatValue,
  HistogramChart,
  histogramBars,
  FeatureStorePanel,
  FeatureStoreView,
  resultSummary
} from '../featurestore/widgets';
import {
  buttonByText,
  byLabel,
  click,
  flush,
  queryButton,
  setValue,
  TestRoot
} from './dom';
import { FakeServer } from './fakeserver';
import {
  featureStoreServer,
  makeFeatureGroup,
  makeHistogram,
  QUERY_RESULT,
  recordNotFound,
  SQL_ERROR,
  withStats
} from './featurestorefakes';

describe('feature store formatting', () => {
  it('formats values, durations and result summaries', () => {
    expect(formatValue(null)).toBe('NULL');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(false)).toBe('false');
    expect(formatValue([1, 'a'])).toBe('[1,"a"]');
    expect(formatDuration(7 * 86400)).toBe('7 d');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(90)).toBe('90 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(resultSummary(QUERY_RESULT)).toBe('2 rows in 3 ms');
    const one: IQueryResult = {
      ...QUERY_RESULT,
      rows: [QUERY_RESULT.rows[0]],
      truncated: true,
      elapsed_ms: 1234.6
    };
    expect(resultSummary(one)).toBe(
      '1 row (truncated at the limit) in 1235 ms'
    );
  });
});

describe('HistogramChart', () => {
  const histogram = makeHistogram('age') as unknown as IHistogram;

  it('has one bar per bin between consecutive edges', () => {
    expect(histogramBars(histogram)).toEqual([
      { low: 20, high: 30, count: 1 },
      { low: 30, high: 40, count: 0 },
      { low: 40, high: 50, count: 2 },
      { low: 50, high: 60, count: 0 }
    ]);
  });

  it('draws bars whose heights are proportional to the counts', async () => {
    const root = new TestRoot();
    await root.render(<HistogramChart histogram={histogram} />);
    const svg = byLabel(root.container, 'Histogram of age');
    expect(svg.getAttribute('role')).toBe('img');
    const bars = Array.from(svg.querySelectorAll('rect'));
    expect(bars.map(b => b.getAttribute('data-count'))).toEqual([
      '1',
      '0',
      '2',
      '0'
    ]);
    const heights = bars.map(b => Number(b.getAttribute('height')));
    expect(heights[2]).toBeCloseTo(2 * heights[0]);
    expect(heights[1]).toBe(0);
    const xs = bars.map(b => Number(b.getAttribute('x')));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(bars[2].querySelector('title')?.textContent).toBe('40 – 50: 2');
    expect(svg.textContent).toContain('Records');
    root.dispose();
  });

  it('says so when no record has a value', async () => {
    const root = new TestRoot();
    await root.render(
      <HistogramChart
        histogram={{ ...histogram, edges: [], counts: [0, 0, 0, 0] }}
      />
    );
    expect(root.container.querySelector('svg')).toBeNull();
    expect(root.container.textContent).toContain(
      'No record has a value of age'
    );
    root.dispose();
  });
});

describe('FeatureStoreView', () => {
  let model: FeatureStoreModel;
  let root: TestRoot;
  let container: HTMLElement;

  const render = () => root.render(<FeatureStoreView model={model} />);

  const setup = async (server: FakeServer = featureStoreServer()) => {
    model = new FeatureStoreModel({
      serverSettings: server.serverSettings,
      standby: 'never'
    });
    root = new TestRoot();
    container = root.container;
    await render();
    await model.ready;
    model.changed.connect(() => void render());
    await render();
    return server;
  };

  const selectGroup = async (name: string) => {
    const item = byLabel(byLabel(container, 'Feature groups'), name);
    await click(item.querySelector('button')!);
    await flush();
  };

  const type = async (
    element: HTMLInputElement | HTMLTextAreaElement,
    value: string
  ) => {
    await act(async () => {
      setValue(element, value);
    });
  };

  afterEach(() => {
    root.dispose();
    model.dispose();
  });

  it('lists the groups with their stores and filters them', async () => {
    await setup();
    const list = container.querySelector('ul[aria-label="Feature groups"]')!;
    const items = Array.from(list.querySelectorAll('li'));
    expect(items.map(li => li.getAttribute('aria-label'))).toEqual([
      'clicks-raw',
      'customers'
    ]);
    expect(items[1].textContent).toContain('5 features · online + offline');
    expect(items[1].textContent).toContain('The customers features');
    expect(items[0].textContent).toContain('3 features · offline');
    expect(container.textContent).toContain('Select a feature group');

    await type(byLabel(container, 'Search feature groups'), 'zzz');
    expect(container.textContent).toContain('No group matches.');
  });

  it('says how to create a group when there is none', async () => {
    await setup(
      featureStoreServer().on('GET', 'featurestore/groups', 200, {
        items: [],
        next: null
      })
    );
    expect(container.textContent).toContain('No feature groups yet.');
  });

  it('shows the stats and the schema of the selected group', async () => {
    await setup();
    await selectGroup('customers');
    const item = container.querySelector('li[aria-label="customers"] button')!;
    expect(item.getAttribute('aria-current')).toBe('true');

    const stats = byLabel(container, 'Statistics');
    const stat = (field: string) =>
      stats.querySelector(`[data-field="${field}"] dd`)?.textContent;
    expect(stat('online_records')).toBe('3');
    expect(stat('offline_rows')).toBe('4');
    expect(stat('offline_files')).toBe('1');
    expect(
      stats
        .querySelector('[data-field="last_write_time"] time')
        ?.getAttribute('datetime')
    ).toBe('2026-11-02T08:30:00+00:00');

    const settings = byLabel(container, 'Group settings');
    const entries = Array.from(settings.querySelectorAll('dt')).map(dt => [
      dt.textContent,
      dt.nextElementSibling?.textContent
    ]);
    expect(entries).toEqual(
      expect.arrayContaining([
        ['Record identifier', 'customer_id'],
        ['Event time', 'event_time'],
        ['Stores', 'online + offline'],
        ['TTL', '7 d'],
        ['SQL view', 'customers'],
        ['Tags', 'team=growth']
      ])
    );

    const features = byLabel<HTMLTableElement>(container, 'Features');
    const rows = Array.from(features.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(rows).toEqual([
      ['customer_id', 'Integral', 'record identifier'],
      ['event_time', 'Fractional', 'event time'],
      ['age', 'Integral', ''],
      ['balance', 'Fractional', ''],
      ['segment', 'String', '']
    ]);
  });

  it('looks a record up and shows its features, NULL included', async () => {
    const server = recordNotFound(featureStoreServer(), 'customers', '7');
    await setup(server);
    await selectGroup('customers');
    const lookup = byLabel(container, 'Record lookup');
    const button = buttonByText(lookup, 'Look up');
    expect(button.disabled).toBe(true);
    await type(byLabel(lookup, 'Record id'), '42');
    expect(button.disabled).toBe(false);
    await click(button);
    await flush();

    const table = byLabel<HTMLTableElement>(lookup, 'Record 42');
    const rows = Array.from(table.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(rows).toEqual([
      ['customer_id', '42'],
      ['event_time', '1700000000.5 (2023-11-14T22:13:20.500Z)'],
      ['age', '31'],
      ['balance', 'NULL'],
      ['segment', 'gold']
    ]);
    expect(table.querySelector('.jp-MlopsStudio-fsNull')?.textContent).toBe(
      'NULL'
    );

    await type(byLabel(lookup, 'Record id'), '7');
    await click(buttonByText(lookup, 'Look up'));
    await flush();
    expect(lookup.querySelector('table')).toBeNull();
    expect(lookup.querySelector('[role="status"]')?.textContent).toBe(
      'Record 7 not found in customers (never written, deleted or past its TTL).'
    );
  });

  it('shows a lookup error inline', async () => {
    const server = featureStoreServer().on(
      'GET',
      'featurestore/groups/customers/records/abc',
      400,
      {
        message: "'abc' is not an Integral value of customer_id",
        reason: 'invalid-type'
      }
    );
    await setup(server);
    await selectGroup('customers');
    const lookup = byLabel(container, 'Record lookup');
    await type(byLabel(lookup, 'Record id'), 'abc');
    await click(buttonByText(lookup, 'Look up'));
    await flush();
    const alert = lookup.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe(
      "'abc' is not an Integral value of customer_id"
    );
    expect(alert.getAttribute('data-reason')).toBe('invalid-type');
  });

  it('runs the SQL of the editor and shows the results table', async () => {
    const server = await setup();
    const sqlSection = byLabel(container, 'SQL query');
    const run = buttonByText(sqlSection, 'Run');
    expect(run.disabled).toBe(true);
    expect(sqlSection.textContent).toContain('Views: clicks_raw, customers');

    await selectGroup('customers');
    const editor = byLabel<HTMLTextAreaElement>(container, 'SQL');
    expect(editor.value).toBe(
      'SELECT *\nFROM customers\nORDER BY write_time DESC\nLIMIT 100'
    );
    await click(buttonByText(sqlSection, 'Run'));
    await flush();
    expect(server.calls('POST', 'featurestore/query')).toHaveLength(1);

    const table = byLabel<HTMLTableElement>(container, 'Query results');
    const headers = Array.from(table.querySelectorAll('th')).map(th => [
      th.textContent,
      th.getAttribute('title'),
      th.getAttribute('data-type')
    ]);
    expect(headers).toEqual([
      ['customer_id', 'BIGINT', 'number'],
      ['age', 'BIGINT', 'number'],
      ['segment', 'VARCHAR', null]
    ]);
    const rows = Array.from(table.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(rows).toEqual([
      ['42', '31', 'gold'],
      ['7', '58', 'NULL']
    ]);
    expect(sqlSection.querySelector('[role="status"]')?.textContent).toBe(
      '2 rows in 3 ms'
    );
  });

  it("runs with Ctrl+Enter and shows the server's SQL error inline", async () => {
    const server = await setup();
    const editor = byLabel<HTMLTextAreaElement>(container, 'SQL');
    await type(editor, 'SELEC * FROM customers');
    // Enter alone types a new line: nothing runs.
    await act(async () => {
      editor.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
      );
    });
    expect(server.calls('POST', 'featurestore/query')).toHaveLength(0);

    const outside = jest.fn();
    document.body.addEventListener('keydown', outside);
    await act(async () => {
      editor.dispatchEvent(
        new KeyboardEvent('keydown', {
          key: 'Enter',
          ctrlKey: true,
          bubbles: true,
          cancelable: true
        })
      );
    });
    await flush();
    document.body.removeEventListener('keydown', outside);
    // JupyterLab's own Ctrl+Enter bindings never see it.
    expect(outside).not.toHaveBeenCalled();
    expect(server.calls('POST', 'featurestore/query')[0].body).toEqual({
      sql: 'SELEC * FROM customers',
      limit: 500
    });
    const sqlSection = byLabel(container, 'SQL query');
    const alert = sqlSection.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe(SQL_ERROR.message);
    expect(alert.getAttribute('data-reason')).toBe('invalid-sql');
    expect(sqlSection.querySelector('table')).toBeNull();

    // Fixed and run with ⌘+Enter: the error gives way to the results.
    await type(editor, 'SELECT * FROM customers');
    await act(async () => {
      editor.dispatchEvent(
        new KeyboardEvent('keydown', {
          key: 'Enter',
          metaKey: true,
          bubbles: true
        })
      );
    });
    await flush();
    expect(sqlSection.querySelector('[role="alert"]')).toBeNull();
    expect(byLabel(sqlSection, 'Query results')).toBeTruthy();
  });

  it('draws the histogram of the feature chosen', async () => {
    const server = await setup();
    await selectGroup('customers');
    const section = byLabel(container, 'Histogram');
    const select = byLabel<HTMLSelectElement>(section, 'Feature');
    expect(Array.from(select.options).map(o => o.value)).toEqual([
      'age',
      'balance',
      'customer_id',
      'event_time'
    ]);
    expect(select.value).toBe('age');
    expect(
      byLabel(section, 'Histogram of age').querySelectorAll('rect')
    ).toHaveLength(4);
    expect(section.textContent).toContain('1 without a value');

    await act(async () => {
      setValue(select, 'balance');
    });
    await flush();
    expect(byLabel(section, 'Histogram of balance')).toBeTruthy();
    expect(
      server
        .calls('GET', 'featurestore/groups/customers/histogram')
        .map(r => r.query.get('feature'))
    ).toEqual(['age', 'balance']);
  });

  it('shows a histogram refusal inline', async () => {
    await setup(
      featureStoreServer().on(
        'GET',
        'featurestore/groups/customers/histogram',
        400,
        { message: "'age' is not a numeric feature", reason: 'invalid-feature' }
      )
    );
    await selectGroup('customers');
    const section = byLabel(container, 'Histogram');
    expect(section.querySelector('[role="alert"]')?.textContent).toBe(
      "'age' is not a numeric feature"
    );
    expect(section.querySelector('svg')).toBeNull();
  });

  it('has neither a lookup nor a histogram for an offline group of strings', async () => {
    await setup();
    await selectGroup('clicks-raw');
    const stats = byLabel(container, 'Statistics');
    expect(
      stats.querySelector('[data-field="online_records"] dd')?.textContent
    ).toBe('no online store');
    const lookup = byLabel(container, 'Record lookup');
    expect(lookup.textContent).toContain('This group has no online store');
    expect(queryButton(lookup, 'Look up')).toBeNull();
    const histogram = byLabel(container, 'Histogram');
    expect(histogram.textContent).toContain('No numeric feature to draw');
    expect(histogram.querySelector('select')).toBeNull();
  });

  it('refreshes the stats and the histogram with the refresh button', async () => {
    const server = await setup();
    await selectGroup('customers');
    server.on(
      'GET',
      'featurestore/groups/customers',
      200,
      withStats(makeFeatureGroup(), { offline_rows: 1234 })
    );
    const before = server.calls(
      'GET',
      'featurestore/groups/customers/histogram'
    ).length;
    const refresh = byLabel<HTMLButtonElement>(
      container,
      'Refresh the feature store'
    );
    await click(refresh);
    await flush();
    expect(
      byLabel(container, 'Statistics').querySelector(
        '[data-field="offline_rows"] dd'
      )?.textContent
    ).toBe('1,234');
    expect(
      server.calls('GET', 'featurestore/groups/customers/histogram').length
    ).toBe(before + 1);
  });

  it('shows a refresh error as an alert', async () => {
    await setup(
      featureStoreServer().on('GET', 'featurestore/groups', 403, {
        message: 'You may not read the feature store',
        reason: 'forbidden'
      })
    );
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe('You may not read the feature store');
  });
});

describe('FeatureStorePanel', () => {
  it('renders the model and refreshes it when shown again', async () => {
    const server = featureStoreServer();
    const model = new FeatureStoreModel({
      serverSettings: server.serverSettings,
      standby: 'never'
    });
    const panel = new FeatureStorePanel({ model });
    await act(async () => {
      Widget.attach(panel, document.body);
      await model.ready;
    });
    await flush();
    expect(panel.hasClass('jp-MlopsStudio-featureStore-widget')).toBe(true);
    expect(panel.node.querySelectorAll('li[data-group]')).toHaveLength(2);

    panel.hide();
    const count = server.calls('GET', 'featurestore/groups').length;
    await act(async () => {
      panel.show();
    });
    await flush();
    expect(server.calls('GET', 'featurestore/groups').length).toBe(count + 1);

    act(() => panel.dispose());
    model.dispose();
  });
});
