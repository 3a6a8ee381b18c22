/**
 * The feature store model: the groups, the selected group's schema and record
 * counts, the histogram of one of its numeric features (all kept fresh by a
 * poll), a record lookup and a SQL query with its result.
 */
import { StudioAPIError } from '../api';
import { asAPIError, GroupListModel, PollingModel } from '../polling';
import {
  describeFeatureGroup,
  FeatureValue,
  getHistogram,
  getRecord,
  IFeatureGroup,
  IFeatureGroupDetails,
  IHistogram,
  IQueryResult,
  listFeatureGroups,
  NUMERIC_TYPES,
  runQuery
} from './api';

/** The permissions the feature store panel checks. */
export namespace FeatureStorePermissions {
  export const read = 'featurestore:read';
  export const write = 'featurestore:write';
  export const groups = 'featurestore:groups';
}

/** The rows a query run from the panel answers at most. */
export const PANEL_QUERY_LIMIT = 500;

/** The state of a record lookup. */
export interface IRecordLookup {
  group: string;
  recordId: string;
  status: 'loading' | 'found' | 'not-found' | 'error';
  /** The record when found. */
  record: Record<string, FeatureValue> | null;
  /** The error when the lookup failed. */
  error: StudioAPIError | null;
}

/** The state of the SQL editor's last run. */
export interface IQueryState {
  running: boolean;
  /** The result of the last successful run, `null` before one or after an error. */
  result: IQueryResult | null;
  /** The server's error of the last run (e.g. 400 for malformed SQL). */
  error: StudioAPIError | null;
}

/**
 * The numeric features a histogram can be drawn for: the group's `Integral`
 * and `Fractional` features, those other than the record identifier and the
 * event time first; none without an offline store (the histogram reads it).
 */
export function histogramFeatures(group: IFeatureGroup): string[] {
  if (!group.offline) {
    return [];
  }
  const numeric = group.features
    .filter(f => NUMERIC_TYPES.includes(f.type))
    .map(f => f.name);
  const keys = [group.record_identifier, group.event_time];
  return [
    ...numeric.filter(name => !keys.includes(name)),
    ...numeric.filter(name => keys.includes(name))
  ];
}

/** `name` as a SQL identifier, quoted unless it is a plain one. */
export function sqlIdentifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}

/** The query the SQL editor starts with for a group. */
export function defaultQuery(group: IFeatureGroup): string {
  return `SELECT *\nFROM ${sqlIdentifier(group.view)}\nORDER BY write_time DESC\nLIMIT 100`;
}

/**
 * What a histogram depends on: the group, the feature and the group's
 * offline contents (a new write changes the row count or the write time).
 */
function histogramKey(group: IFeatureGroupDetails, feature: string): string {
  return JSON.stringify([
    group.name,
    feature,
    group.stats.offline_rows,
    group.stats.last_write_time
  ]);
}

/** What describing a group that no longer exists answers. */
const GONE = 'gone' as const;

/**
 * The model of the feature store panel.
 *
 * `ready` resolves after the first refresh attempt (a failure is kept in
 * `error`); `changed` is emitted after every refresh, selection change and
 * action. A `Poll` refreshes the groups and the selected group's counts
 * every 10 s, backs off on errors and stands by as its `standby` option
 * says; the histogram is fetched again only when the group's offline
 * contents changed (or on `reload()`).
 */
export class FeatureStoreModel extends GroupListModel<IFeatureGroup> {
  constructor(options: FeatureStoreModel.IOptions = {}) {
    super({
      ...options,
      name: 'jupyter-mlops-studio:FeatureStoreModel#refresh'
    });
  }

  /** The selected group with its counts, `null` while loading or none is. */
  get group(): IFeatureGroupDetails | null {
    return this._group?.name === this.selectedName ? this._group : null;
  }

  /** The numeric features of the selected group (see `histogramFeatures`). */
  get histogramFeatures(): string[] {
    return this.group ? histogramFeatures(this.group) : [];
  }

  /** The feature of the histogram: the chosen one, else the first numeric. */
  get histogramFeature(): string | null {
    const names = this.histogramFeatures;
    if (this._histogramFeature !== null) {
      if (names.includes(this._histogramFeature)) {
        return this._histogramFeature;
      }
    }
    return names[0] ?? null;
  }

  /** The histogram of `histogramFeature`, `null` while loading. */
  get histogram(): IHistogram | null {
    return this._histogram;
  }

  /** Why the histogram could not be fetched, `null` when it was. */
  get histogramError(): StudioAPIError | null {
    return this._histogramError;
  }

  /** The last record lookup of the selected group, `null` before one. */
  get lookup(): IRecordLookup | null {
    return this._lookup;
  }

  /** The text of the SQL editor. */
  get sql(): string {
    return this._sql;
  }
  set sql(value: string) {
    if (value === this._sql) {
      return;
    }
    this._sql = value;
    this._sqlEdited = true;
    this.emitChanged();
  }

  /** The state of the last query run. */
  get query(): IQueryState {
    return this._query;
  }

  /**
   * Select a group (or none), then load its schema, counts and histogram.
   * The SQL editor gets a query of the group's view until the user edits it.
   */
  selectGroup(name: string | null): Promise<void> {
    if (name === this.selectedName) {
      return Promise.resolve();
    }
    this.selectedName = name;
    this._group = null;
    this._histogramFeature = null;
    this._clearHistogram();
    this._lookup = null;
    const listed = this.groupList.find(g => g.name === name);
    if (listed && !this._sqlEdited) {
      this._sql = defaultQuery(listed);
    }
    this.emitChanged();
    return this.refresh();
  }

  /** Draw the histogram of another feature of the selected group. */
  selectHistogramFeature(feature: string): Promise<void> {
    if (feature === this.histogramFeature) {
      return Promise.resolve();
    }
    this._histogramFeature = feature;
    this._clearHistogram();
    this.emitChanged();
    return this.refresh();
  }

  /** Refresh everything now, the histogram included. */
  reload(): Promise<void> {
    this._histogramKey = null;
    return this.refresh();
  }

  /**
   * Look up the latest record of an id in the selected group; the outcome
   * (found, not found or the error) is kept in `lookup`.
   */
  async lookupRecord(recordId: string): Promise<void> {
    const group = this.selectedName;
    const id = recordId.trim();
    if (group === null || !id) {
      return;
    }
    const pending: IRecordLookup = {
      group,
      recordId: id,
      status: 'loading',
      record: null,
      error: null
    };
    this._lookup = pending;
    this.emitChanged();
    let outcome: IRecordLookup;
    try {
      const answer = await getRecord(group, id, undefined, this.serverSettings);
      outcome = answer
        ? { ...pending, status: 'found', record: answer.record }
        : { ...pending, status: 'not-found' };
    } catch (error) {
      outcome = { ...pending, status: 'error', error: asAPIError(error) };
    }
    // Keep only the answer of the latest lookup.
    if (this._lookup === pending && !this.isDisposed) {
      this._lookup = outcome;
      this.emitChanged();
    }
  }

  /**
   * Run the SQL of the editor; the result, or the server's error, is kept
   * in `query`. Only the answer of the latest run is kept.
   */
  async runQuery(): Promise<void> {
    const sql = this._sql.trim();
    if (!sql) {
      return;
    }
    const run = ++this._queryRun;
    this._query = { ...this._query, running: true, error: null };
    this.emitChanged();
    let next: IQueryState;
    try {
      const result = await runQuery(
        sql,
        PANEL_QUERY_LIMIT,
        this.serverSettings
      );
      next = { running: false, result, error: null };
    } catch (error) {
      next = { running: false, result: null, error: asAPIError(error) };
    }
    if (run === this._queryRun && !this.isDisposed) {
      this._query = next;
      this.emitChanged();
    }
  }

  private _clearHistogram(): void {
    this._histogram = null;
    this._histogramError = null;
    this._histogramKey = null;
  }

  protected load(): PollingModel.ILoad {
    const name = this.selectedName;
    const chosen = this._histogramFeature;
    const answer = Promise.all([
      listFeatureGroups(this.serverSettings),
      name === null ? Promise.resolve(null) : this._describe(name)
    ]).then(async ([groups, group]) => {
      const histogram =
        group && group !== GONE
          ? await this._loadHistogram(group, chosen)
          : undefined;
      return () => {
        this.groupList = [...groups].sort((a, b) =>
          a.name.localeCompare(b.name)
        );
        if (name !== this.selectedName) {
          return;
        }
        if (group === GONE) {
          // Deleted meanwhile: nothing is selected any more.
          this.selectedName = null;
          this._group = null;
          this._lookup = null;
          return;
        }
        this._group = group;
        if (group && !this._sqlEdited && !this._sql) {
          this._sql = defaultQuery(group);
        }
        if (histogram && chosen === this._histogramFeature) {
          this._histogram = histogram.histogram;
          this._histogramError = histogram.error;
          this._histogramKey = histogram.key;
        }
      };
    });
    return { answer };
  }

  /** Describe a group, `GONE` when it no longer exists. */
  private async _describe(
    name: string
  ): Promise<IFeatureGroupDetails | typeof GONE> {
    try {
      return await describeFeatureGroup(name, this.serverSettings);
    } catch (error) {
      if (error instanceof StudioAPIError && error.status === 404) {
        return GONE;
      }
      throw error;
    }
  }

  /**
   * Fetch the histogram of a group unless what it depends on is unchanged
   * (`undefined` then). A client error (e.g. no offline store) is kept until
   * the data changes; any other error is retried at the next refresh.
   */
  private async _loadHistogram(
    group: IFeatureGroupDetails,
    chosen: string | null
  ): Promise<
    | {
        histogram: IHistogram | null;
        error: StudioAPIError | null;
        key: string | null;
      }
    | undefined
  > {
    const names = histogramFeatures(group);
    const feature =
      chosen !== null && names.includes(chosen) ? chosen : (names[0] ?? null);
    if (feature === null) {
      return { histogram: null, error: null, key: null };
    }
    const key = histogramKey(group, feature);
    if (key === this._histogramKey) {
      return undefined;
    }
    try {
      const histogram = await getHistogram(
        group.name,
        feature,
        undefined,
        this.serverSettings
      );
      return { histogram, error: null, key };
    } catch (reason) {
      const error = asAPIError(reason);
      const lasting = error.status >= 400 && error.status < 500;
      return { histogram: null, error, key: lasting ? key : null };
    }
  }

  private _group: IFeatureGroupDetails | null = null;
  private _histogram: IHistogram | null = null;
  private _histogramError: StudioAPIError | null = null;
  private _histogramFeature: string | null = null;
  private _histogramKey: string | null = null;
  private _lookup: IRecordLookup | null = null;
  private _query: IQueryState = { running: false, result: null, error: null };
  private _queryRun = 0;
  private _sql = '';
  private _sqlEdited = false;
}

/** A namespace for `FeatureStoreModel` statics. */
export namespace FeatureStoreModel {
  /** The options of a feature store model. */
  export type IOptions = PollingModel.IModelOptions;
}
