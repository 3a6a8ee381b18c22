import { PromiseDelegate } from '@lumino/coreutils';

import { StudioAPIError } from '../api';
import {
  describeFeatureGroup,
  getHistogram,
  getRecord,
  listFeatureGroups,
  runQuery
} from '../featurestore/api';
import {
  defaultQuery,
  FeatureStoreModel,
  histogramFeatures,
  PANEL_QUERY_LIMIT,
  sqlIdentifier
} from '../featurestore/model';
import {
  validateFeatureGroup,
  validateHistogram,
  validateQueryResult
} from '../featurestore/validate';
import type { IFeatureGroup } from '../featurestore/api';
import { failed, FakeServer, unexpected } from './fakeserver';
import {
  featureStoreServer,
  makeFeatureGroup,
  makeHistogram,
  makeOfflineGroup,
  QUERY_RESULT,
  recordNotFound,
  SQL_ERROR,
  withStats
} from './featurestorefakes';

describe('feature store validators', () => {
  it('accepts a group and normalizes its free-form properties', () => {
    const group = validateFeatureGroup({
      name: 'web-clicks',
      record_identifier: 'id',
      event_time: 't',
      features: [
        { name: 'id', type: 'String' },
        { name: 't', type: 'Fractional' }
      ],
      online: true,
      offline: false,
      description: null
    });
    expect(group.description).toBe('');
    expect(group.tags).toEqual({});
    expect(group.ttl_seconds).toBeNull();
    expect(group.view).toBe('web_clicks');
  });

  it('refuses a feature of an unknown type', () => {
    const group = makeFeatureGroup();
    (group.features as unknown[]).push({ name: 'flag', type: 'Boolean' });
    expect(() => validateFeatureGroup(group)).toThrow(/'type' is not one of/);
  });

  it('refuses an identifier or event time that names no feature', () => {
    expect(() =>
      validateFeatureGroup(makeFeatureGroup('c', { event_time: 'when' }))
    ).toThrow(/'event_time' names no feature: "when"/);
    expect(() =>
      validateFeatureGroup(makeFeatureGroup('c', { online: 'yes' }))
    ).toThrow(/'online' is not of type 'boolean'/);
  });

  it('checks that query rows have one value per column', () => {
    expect(validateQueryResult({ ...QUERY_RESULT }).rows).toHaveLength(2);
    expect(() =>
      validateQueryResult({ ...QUERY_RESULT, rows: [[1, 2]] })
    ).toThrow(/rows\[0\] is not an array of 3 values/);
    expect(() =>
      validateQueryResult({ ...QUERY_RESULT, elapsed_ms: '3' })
    ).toThrow(/elapsed_ms/);
    expect(
      validateQueryResult({ columns: [], rows: [], elapsed_ms: 1 }).truncated
    ).toBe(false);
  });

  it('checks that histogram edges bound the bins in order', () => {
    expect(validateHistogram(makeHistogram('age')).counts).toEqual([
      1, 0, 2, 0
    ]);
    // No value at all: no edges.
    expect(
      validateHistogram(makeHistogram('age', { edges: [], counts: [0, 0] }))
        .edges
    ).toEqual([]);
    expect(() =>
      validateHistogram(makeHistogram('age', { edges: [1, 2] }))
    ).toThrow('2 edges do not bound 4 bins');
    expect(() =>
      validateHistogram(makeHistogram('age', { edges: [1, 3, 2, 4, 5] }))
    ).toThrow(/not ascending/);
    expect(() =>
      validateHistogram(makeHistogram('age', { counts: [1, -1, 0, 0] }))
    ).toThrow(/'counts'/);
    expect(() =>
      validateHistogram(makeHistogram('age', { nulls: 0.5 }))
    ).toThrow(/'nulls'/);
  });
});

describe('feature store API', () => {
  it('listFeatureGroups returns the validated groups', async () => {
    const server = featureStoreServer();
    const groups = await listFeatureGroups(server.serverSettings);
    expect(groups.map(g => g.name)).toEqual(['clicks-raw', 'customers']);
    expect(groups[0].view).toBe('clicks_raw');
    expect(groups[1].features.map(f => f.type)).toEqual([
      'Integral',
      'Fractional',
      'Integral',
      'Fractional',
      'String'
    ]);
  });

  it('describeFeatureGroup validates the stats', async () => {
    const server = featureStoreServer();
    const group = await describeFeatureGroup(
      'clicks-raw',
      server.serverSettings
    );
    expect(group.stats).toEqual(
      expect.objectContaining({
        online_records: null,
        offline_rows: 4,
        offline_files: 1,
        last_write_time: '2026-11-02T08:30:00+00:00'
      })
    );

    server.on(
      'GET',
      'featurestore/groups/customers',
      200,
      withStats(makeFeatureGroup(), { offline_rows: -1 })
    );
    let error = await describeFeatureGroup(
      'customers',
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toMatch(/offline_rows/);

    server.on('GET', 'featurestore/groups/customers', 200, makeFeatureGroup());
    error = await describeFeatureGroup('customers', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.message).toMatch(/'stats' is not an object/);
  });

  it('getRecord answers the record, or null when it is not found', async () => {
    const server = recordNotFound(featureStoreServer(), 'customers', '7');
    const found = await getRecord(
      'customers',
      '42',
      undefined,
      server.serverSettings
    );
    expect(found?.record.segment).toBe('gold');
    expect(
      await getRecord('customers', '7', undefined, server.serverSettings)
    ).toBeNull();
  });

  it('getRecord asks for a feature subset and encodes the id', async () => {
    const server = new FakeServer().on(
      'GET',
      'featurestore/groups/web%20log/records/a%2Fb%20c',
      200,
      { group: 'web log', record_id: 'a/b c', record: { n: 1 } }
    );
    const answer = await getRecord(
      'web log',
      'a/b c',
      ['n', 'm'],
      server.serverSettings
    );
    expect(answer?.record_id).toBe('a/b c');
    const [request] = server.requests;
    expect(request.query.get('features')).toBe('n,m');
  });

  it('getRecord throws on an unknown group and a malformed record', async () => {
    const server = new FakeServer()
      .on('GET', 'featurestore/groups/nope/records/1', 404, {
        message: 'no feature group nope',
        reason: 'group-not-found'
      })
      .on('GET', 'featurestore/groups/c/records/1', 200, {
        group: 'c',
        record_id: 1,
        record: { tags: ['a'] }
      });
    let error = await getRecord(
      'nope',
      '1',
      undefined,
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.status).toBe(404);
    expect(error.reason).toBe('group-not-found');
    error = await getRecord('c', '1', undefined, server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.message).toMatch(/record\.tags/);
  });

  it('runQuery posts the SQL and the limit', async () => {
    const server = featureStoreServer();
    const result = await runQuery(
      'SELECT * FROM customers',
      50,
      server.serverSettings
    );
    expect(result.rows[1]).toEqual([7, 58, null]);
    const [request] = server.calls('POST', 'featurestore/query');
    expect(request.body).toEqual({ sql: 'SELECT * FROM customers', limit: 50 });
    expect(request.contentType).toBe('application/json');
  });

  it("runQuery rejects with the server's message on malformed SQL", async () => {
    const server = featureStoreServer();
    const error = await runQuery(
      'SELEC * FROM customers',
      undefined,
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.status).toBe(400);
    expect(error.message).toBe(SQL_ERROR.message);
    expect(error.reason).toBe('invalid-sql');
  });

  it('getHistogram asks for a feature and a number of bins', async () => {
    const server = featureStoreServer();
    const histogram = await getHistogram(
      'customers',
      'balance',
      4,
      server.serverSettings
    );
    expect(histogram.feature).toBe('balance');
    const [request] = server.calls(
      'GET',
      'featurestore/groups/customers/histogram'
    );
    expect(request.query.get('feature')).toBe('balance');
    expect(request.query.get('bins')).toBe('4');
  });
});

describe('feature store helpers', () => {
  const customers = validateFeatureGroup(makeFeatureGroup());
  const clicks = validateFeatureGroup(makeOfflineGroup());

  it('lists the numeric features, the identifier and event time last', () => {
    expect(histogramFeatures(customers)).toEqual([
      'age',
      'balance',
      'customer_id',
      'event_time'
    ]);
    expect(histogramFeatures(clicks)).toEqual([]);
    const onlineOnly: IFeatureGroup = { ...customers, offline: false };
    expect(histogramFeatures(onlineOnly)).toEqual([]);
  });

  it('quotes views that are not plain identifiers', () => {
    expect(sqlIdentifier('clicks_raw')).toBe('clicks_raw');
    expect(sqlIdentifier('2024 "sales"')).toBe('"2024 ""sales"""');
    expect(defaultQuery(clicks)).toBe(
      'SELECT *\nFROM clicks_raw\nORDER BY write_time DESC\nLIMIT 100'
    );
  });
});

describe('FeatureStoreModel', () => {
  let model: FeatureStoreModel | null = null;

  const histogramCalls = (server: FakeServer) =>
    server
      .calls('GET', 'featurestore/groups/customers/histogram')
      .map(r => r.query.get('feature'));

  const start = async (server: FakeServer) => {
    model = new FeatureStoreModel({
      serverSettings: server.serverSettings,
      standby: 'never'
    });
    await model.ready;
    return model;
  };

  afterEach(() => {
    model?.dispose();
    model = null;
  });

  it('lists the groups sorted and loads nothing else before a selection', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    expect(m.groups.map(g => g.name)).toEqual(['clicks-raw', 'customers']);
    expect(m.selectedGroup).toBeNull();
    expect(m.group).toBeNull();
    expect(m.sql).toBe('');
    expect(m.can('featurestore:read')).toBe(true);
    expect(server.requests.map(r => r.path).sort()).toEqual([
      'featurestore/groups',
      'me'
    ]);
  });

  it('filters the groups by name', async () => {
    const m = await start(featureStoreServer());
    m.filter = 'CUST';
    expect(m.filteredGroups.map(g => g.name)).toEqual(['customers']);
    m.filter = ' ';
    expect(m.filteredGroups).toHaveLength(2);
  });

  it('selecting a group loads its stats, the SQL of its view and a histogram', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    const selecting = m.selectGroup('customers');
    // At once: the group is selected and the SQL is the view's.
    expect(m.selectedGroup).toBe('customers');
    expect(m.group).toBeNull();
    expect(m.sql).toBe(defaultQuery(m.groups[1]));
    await selecting;
    expect(m.group?.stats.online_records).toBe(3);
    expect(m.histogramFeatures).toEqual([
      'age',
      'balance',
      'customer_id',
      'event_time'
    ]);
    expect(m.histogramFeature).toBe('age');
    expect(m.histogram?.feature).toBe('age');
    expect(histogramCalls(server)).toEqual(['age']);
  });

  it('fetches the histogram again only when the offline contents change', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    await m.selectGroup('customers');
    await m.refresh();
    await m.refresh();
    expect(histogramCalls(server)).toEqual(['age']);

    server.on(
      'GET',
      'featurestore/groups/customers',
      200,
      withStats(makeFeatureGroup(), { offline_rows: 10 })
    );
    await m.refresh();
    expect(histogramCalls(server)).toEqual(['age', 'age']);
    expect(m.group?.stats.offline_rows).toBe(10);

    // The refresh button fetches it whatever changed.
    await m.reload();
    expect(histogramCalls(server)).toEqual(['age', 'age', 'age']);
  });

  it('draws the histogram of the feature chosen', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    await m.selectGroup('customers');
    const choosing = m.selectHistogramFeature('balance');
    expect(m.histogram).toBeNull();
    expect(m.histogramFeature).toBe('balance');
    await choosing;
    expect(m.histogram?.feature).toBe('balance');
    expect(histogramCalls(server)).toEqual(['age', 'balance']);
    // Choosing it again changes nothing.
    await m.selectHistogramFeature('balance');
    expect(histogramCalls(server)).toEqual(['age', 'balance']);
  });

  it('keeps a histogram refusal without asking again, and retries a server error', async () => {
    const server = featureStoreServer().on(
      'GET',
      'featurestore/groups/customers/histogram',
      400,
      {
        message: 'feature group customers has no offline store',
        reason: 'offline-disabled'
      }
    );
    const m = await start(server);
    await m.selectGroup('customers');
    expect(m.error).toBeNull();
    expect(m.histogram).toBeNull();
    expect(m.histogramError?.reason).toBe('offline-disabled');
    await m.refresh();
    expect(histogramCalls(server)).toHaveLength(1);

    server.on('GET', 'featurestore/groups/customers/histogram', 503, {
      message: 'busy',
      reason: 'unavailable'
    });
    await m.reload();
    expect(m.histogramError?.status).toBe(503);
    await m.refresh();
    expect(histogramCalls(server)).toHaveLength(3);
  });

  it('has no histogram for a group without numeric features', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    await m.selectGroup('clicks-raw');
    expect(m.group?.name).toBe('clicks-raw');
    expect(m.histogramFeature).toBeNull();
    expect(m.histogram).toBeNull();
    expect(m.histogramError).toBeNull();
    expect(server.requests.some(r => r.path.endsWith('/histogram'))).toBe(
      false
    );
  });

  it('forgets a selected group that was deleted', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    await m.selectGroup('customers');
    server
      .on('GET', 'featurestore/groups/customers', 404, {
        message: 'no feature group customers',
        reason: 'group-not-found'
      })
      .on('GET', 'featurestore/groups', 200, {
        items: [makeOfflineGroup()],
        next: null
      });
    await m.refresh();
    expect(m.error).toBeNull();
    expect(m.selectedGroup).toBeNull();
    expect(m.group).toBeNull();
    expect(m.groups.map(g => g.name)).toEqual(['clicks-raw']);
  });

  it('keeps a refresh error and clears it when the server answers', async () => {
    const server = featureStoreServer().on('GET', 'featurestore/groups', 500, {
      message: 'Database is locked',
      reason: 'internal-error'
    });
    const m = await start(server);
    expect(m.error).toBeInstanceOf(StudioAPIError);
    expect(m.error?.message).toBe('Database is locked');
    server.on('GET', 'featurestore/groups', 200, {
      items: [makeFeatureGroup()],
      next: null
    });
    await m.refresh();
    expect(m.error).toBeNull();
    expect(m.groups).toHaveLength(1);
  });

  it('looks a record up: found, not found or failed', async () => {
    const server = recordNotFound(featureStoreServer(), 'customers', '7');
    const m = await start(server);
    await m.selectGroup('customers');

    const looking = m.lookupRecord(' 42 ');
    expect(m.lookup?.status).toBe('loading');
    expect(m.lookup?.recordId).toBe('42');
    await looking;
    expect(m.lookup?.status).toBe('found');
    expect(m.lookup?.record?.age).toBe(31);

    await m.lookupRecord('7');
    expect(m.lookup).toEqual(
      expect.objectContaining({ status: 'not-found', record: null })
    );

    server.on('GET', 'featurestore/groups/customers/records/8', 400, {
      message: "'x' is not an Integral value of customer_id",
      reason: 'invalid-type'
    });
    await m.lookupRecord('8');
    expect(m.lookup?.status).toBe('error');
    expect(m.lookup?.error?.reason).toBe('invalid-type');

    // Another group starts without a lookup; blank ids are not sent.
    await m.selectGroup('clicks-raw');
    expect(m.lookup).toBeNull();
    const count = server.requests.length;
    await m.lookupRecord('  ');
    expect(server.requests.length).toBe(count);
  });

  it('keeps only the answer of the latest lookup', async () => {
    const server = recordNotFound(featureStoreServer(), 'customers', '7');
    const slow = new PromiseDelegate<void>();
    const fetchFirst = server.serverSettings.fetch;
    const m = await start(server);
    await m.selectGroup('customers');
    // Hold the answer for 42 back until the lookup of 7 has answered.
    (m.serverSettings as { fetch: typeof fetch }).fetch = async (
      input: RequestInfo | URL,
      init?: RequestInit
    ) => {
      const response = await fetchFirst(input as RequestInfo, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/records/42')) {
        await slow.promise;
      }
      return response;
    };
    const first = m.lookupRecord('42');
    await m.lookupRecord('7');
    slow.resolve();
    await first;
    expect(m.lookup?.recordId).toBe('7');
    expect(m.lookup?.status).toBe('not-found');
  });

  it('runs a query and keeps its result, or the error instead', async () => {
    const server = featureStoreServer();
    const m = await start(server);
    await m.selectGroup('customers');
    const running = m.runQuery();
    expect(m.query.running).toBe(true);
    await running;
    expect(m.query).toEqual({
      running: false,
      result: QUERY_RESULT,
      error: null
    });
    expect(server.calls('POST', 'featurestore/query')[0].body).toEqual({
      sql: defaultQuery(m.groups[1]),
      limit: PANEL_QUERY_LIMIT
    });

    m.sql = 'SELEC * FROM customers';
    await m.runQuery();
    expect(m.query.result).toBeNull();
    expect(m.query.error?.status).toBe(400);
    expect(m.query.error?.message).toBe(SQL_ERROR.message);

    m.sql = '   ';
    await m.runQuery();
    expect(server.calls('POST', 'featurestore/query')).toHaveLength(2);
  });

  it('keeps the SQL the user typed when another group is selected', async () => {
    const m = await start(featureStoreServer());
    await m.selectGroup('customers');
    expect(m.sql).toContain('FROM customers');
    await m.selectGroup('clicks-raw');
    expect(m.sql).toContain('FROM clicks_raw');
    m.sql = 'SELECT count(*) FROM customers';
    await m.selectGroup('customers');
    expect(m.sql).toBe('SELECT count(*) FROM customers');
  });
});
