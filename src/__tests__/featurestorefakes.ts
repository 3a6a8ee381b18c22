/**
 * Feature store fixtures for tests: groups, stats, records, query results,
 * histograms and a fake server answering the feature store routes (on top
 * of `FakeServer`).
 */
import { FakeServer, ME } from './fakeserver';

export const FS_ME = {
  ...ME,
  permissions: [
    'spaces:create',
    'featurestore:read',
    'featurestore:write',
    'featurestore:groups'
  ]
};

/** Group `customers`: id, event time, two numeric features and a string. */
export function makeFeatureGroup(
  name = 'customers',
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    name,
    record_identifier: 'customer_id',
    event_time: 'event_time',
    features: [
      { name: 'customer_id', type: 'Integral' },
      { name: 'event_time', type: 'Fractional' },
      { name: 'age', type: 'Integral' },
      { name: 'balance', type: 'Fractional' },
      { name: 'segment', type: 'String' }
    ],
    online: true,
    offline: true,
    ttl_seconds: 7 * 86400,
    description: `The ${name} features`,
    tags: { team: 'growth' },
    created_by: 'alice',
    created_at: '2026-11-01T10:00:00+00:00',
    updated_at: '2026-11-01T10:00:00+00:00',
    view: name.replace(/-/g, '_'),
    ...overrides
  };
}

/** Group `clicks-raw`: offline only, string features only. */
export function makeOfflineGroup(): Record<string, unknown> {
  return makeFeatureGroup('clicks-raw', {
    record_identifier: 'click_id',
    event_time: 'ts',
    features: [
      { name: 'click_id', type: 'String' },
      { name: 'ts', type: 'String' },
      { name: 'url', type: 'String' }
    ],
    online: false,
    ttl_seconds: null,
    description: '',
    tags: {}
  });
}

export function makeStats(
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    online_records: 3,
    offline_rows: 4,
    offline_files: 1,
    offline_buffered: 0,
    last_write_time: '2026-11-02T08:30:00+00:00',
    ...overrides
  };
}

/** A group with its stats, as `GET /featurestore/groups/{name}` answers. */
export function withStats(
  group: Record<string, unknown>,
  stats: Record<string, unknown> = {}
): Record<string, unknown> {
  return { ...group, stats: makeStats(stats) };
}

export function makeHistogram(
  feature: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    group: 'customers',
    feature,
    edges: [20, 30, 40, 50, 60],
    counts: [1, 0, 2, 0],
    nulls: 1,
    ...overrides
  };
}

export const QUERY_RESULT = {
  columns: [
    { name: 'customer_id', type: 'BIGINT' },
    { name: 'age', type: 'BIGINT' },
    { name: 'segment', type: 'VARCHAR' }
  ],
  rows: [
    [42, 31, 'gold'],
    [7, 58, null]
  ],
  truncated: false,
  elapsed_ms: 3.4
};

export const SQL_ERROR = {
  message: 'Parser Error: syntax error at or near "SELEC"',
  reason: 'invalid-sql'
};

/**
 * A fake server with groups `customers` and `clicks-raw`: record 42 of
 * customers exists, any other id is not found; the histogram answers the
 * feature asked for; a query containing `SELEC ` is refused with a 400.
 */
export function featureStoreServer(
  me: Record<string, unknown> = FS_ME
): FakeServer {
  const server = new FakeServer()
    .on('GET', 'me', 200, me)
    .on('GET', 'featurestore/groups', 200, {
      items: [makeOfflineGroup(), makeFeatureGroup()],
      next: null
    })
    .on(
      'GET',
      'featurestore/groups/customers',
      200,
      withStats(makeFeatureGroup())
    )
    .on(
      'GET',
      'featurestore/groups/clicks-raw',
      200,
      withStats(makeOfflineGroup(), { online_records: null })
    )
    .on('GET', 'featurestore/groups/customers/records/42', 200, {
      group: 'customers',
      record_id: 42,
      record: {
        customer_id: 42,
        event_time: 1700000000.5,
        age: 31,
        balance: null,
        segment: 'gold'
      }
    });
  server.routes['GET featurestore/groups/customers/histogram'] = request => ({
    status: 200,
    body: makeHistogram(request.query.get('feature') ?? '')
  });
  server.routes['POST featurestore/query'] = request => {
    const sql = (request.body as { sql: string }).sql;
    return sql.includes('SELEC ')
      ? { status: 400, body: SQL_ERROR }
      : { status: 200, body: QUERY_RESULT };
  };
  return server;
}

/** Make the fake server answer that a record does not exist. */
export function recordNotFound(
  server: FakeServer,
  group: string,
  id: string
): FakeServer {
  return server.on('GET', `featurestore/groups/${group}/records/${id}`, 404, {
    message: `no record ${id} in ${group}`,
    reason: 'record-not-found'
  });
}
