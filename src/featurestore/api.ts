/**
 * Typed REST layer of the feature store (`/mlops-studio/api/v1/featurestore`).
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (e.g. 400 with DuckDB's message for malformed SQL).
 */
import { ServerConnection } from '@jupyterlab/services';

import {
  jsonRequest,
  pathSegment,
  requestChecked,
  requestItems,
  StudioAPIError
} from '../api';
import * as validate from './validate';

/** The type of a feature. */
export type FeatureType = 'Integral' | 'Fractional' | 'String';

/** The types a feature can have. */
export const FEATURE_TYPES: ReadonlyArray<FeatureType> = [
  'Integral',
  'Fractional',
  'String'
];

/** The types a histogram can be drawn for. */
export const NUMERIC_TYPES: ReadonlyArray<FeatureType> = [
  'Integral',
  'Fractional'
];

/** A feature definition of a group. */
export interface IFeatureDefinition {
  name: string;
  type: FeatureType;
}

/** A feature group, from `GET /featurestore/groups`. */
export interface IFeatureGroup {
  name: string;
  /** The feature identifying a record. */
  record_identifier: string;
  /** The feature holding a record's event time. */
  event_time: string;
  /** Every feature, the identifier and the event time included. */
  features: IFeatureDefinition[];
  online: boolean;
  offline: boolean;
  /** How long a record is returned after its event time; `null`: forever. */
  ttl_seconds: number | null;
  description: string;
  tags: Record<string, string>;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** The name of the group's SQL view (hyphens turned to underscores). */
  view: string;
}

/** The record counts of a group, from `GET /featurestore/groups/{name}`. */
export interface IGroupStats {
  /** Records in the online store; `null` when the group has none. */
  online_records: number | null;
  offline_rows: number;
  offline_files: number;
  /** The last write to the group (ISO 8601), `null` before the first. */
  last_write_time: string | null;
}

/** A feature group with its record counts. */
export interface IFeatureGroupDetails extends IFeatureGroup {
  stats: IGroupStats;
}

/** A feature value as JSON carries it. */
export type FeatureValue = string | number | boolean | null;

/** A record, from `GET /featurestore/groups/{name}/records/{id}`. */
export interface IRecordAnswer {
  group: string;
  record_id: string | number;
  record: Record<string, FeatureValue>;
}

/** A column of a query result. */
export interface IQueryColumn {
  name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `DOUBLE`, `VARCHAR`. */
  type: string;
}

/** The answer of `POST /featurestore/query`. */
export interface IQueryResult {
  columns: IQueryColumn[];
  /** One array of values per row, in the order of `columns`. */
  rows: unknown[][];
  /** Whether the result was cut at the limit. */
  truncated: boolean;
  elapsed_ms: number;
}

/** The answer of `GET /featurestore/groups/{name}/histogram`. */
export interface IHistogram {
  feature: string;
  /** The `n + 1` bin edges; empty when no record has a value. */
  edges: number[];
  /** The `n` bin counts. */
  counts: number[];
  /** The records without a value. */
  nulls: number;
}

/** The most rows a query answers by default. */
export const DEFAULT_QUERY_LIMIT = 1000;

/** The number of histogram bins asked for by default. */
export const DEFAULT_BINS = 20;

/** The reason of the 404 answered for a record that does not exist. */
export const RECORD_NOT_FOUND = 'record-not-found';

function groupPath(group: string): string {
  return `featurestore/groups/${pathSegment(group)}`;
}

/** `GET /featurestore/groups`: every feature group. */
export async function listFeatureGroups(
  serverSettings?: ServerConnection.ISettings
): Promise<IFeatureGroup[]> {
  return requestItems(
    'featurestore/groups',
    validate.validateFeatureGroup,
    serverSettings
  );
}

/** `GET /featurestore/groups/{name}`: a group with its record counts. */
export function describeFeatureGroup(
  group: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IFeatureGroupDetails> {
  return requestChecked(
    groupPath(group),
    validate.validateFeatureGroupDetails,
    serverSettings
  );
}

/**
 * `GET /featurestore/groups/{name}/records/{id}`: the latest record of an id,
 * or `null` when the group has no live record of it (404 `record-not-found`).
 *
 * @param features - the features answered, every feature when omitted
 * @throws StudioAPIError on any other error (an unknown group included)
 */
export async function getRecord(
  group: string,
  recordId: string,
  features?: ReadonlyArray<string>,
  serverSettings?: ServerConnection.ISettings
): Promise<IRecordAnswer | null> {
  const query =
    features && features.length > 0
      ? `?features=${features.map(encodeURIComponent).join(',')}`
      : '';
  try {
    return await requestChecked(
      `${groupPath(group)}/records/${pathSegment(recordId)}${query}`,
      validate.validateRecordAnswer,
      serverSettings
    );
  } catch (error) {
    if (
      error instanceof StudioAPIError &&
      error.status === 404 &&
      error.reason === RECORD_NOT_FOUND
    ) {
      return null;
    }
    throw error;
  }
}

/** `POST /featurestore/query`: run SQL over the offline store's views. */
export function runQuery(
  sql: string,
  limit: number = DEFAULT_QUERY_LIMIT,
  serverSettings?: ServerConnection.ISettings
): Promise<IQueryResult> {
  return requestChecked(
    'featurestore/query',
    validate.validateQueryResult,
    serverSettings,
    jsonRequest('POST', { sql, limit })
  );
}

/**
 * `GET /featurestore/groups/{name}/histogram`: the distribution of a numeric
 * feature over the latest live record of every id in the offline store.
 */
export function getHistogram(
  group: string,
  feature: string,
  bins: number = DEFAULT_BINS,
  serverSettings?: ServerConnection.ISettings
): Promise<IHistogram> {
  return requestChecked(
    `${groupPath(group)}/histogram?feature=${encodeURIComponent(feature)}&bins=${bins}`,
    validate.validateHistogram,
    serverSettings
  );
}
