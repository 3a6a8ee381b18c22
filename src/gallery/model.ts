/**
 * The gallery model: a search of the templates (text and facet filters) with
 * its facet counts and the templates the server could not load, the
 * selected template's manifest, kept fresh by a poll; instantiation.
 */
import { Debouncer } from '@lumino/polling';

import { StudioAPIError } from '../api';
import { asAPIError, PollingModel } from '../polling';
import {
  addCatalogTemplate,
  Facet,
  FacetCounts,
  FacetFilters,
  getTemplate,
  IGalleryRefresh,
  instantiateTemplate,
  ITemplate,
  ITemplateInstance,
  ITemplateProblem,
  ITemplateSummary,
  ITemplateUse,
  refreshGallery,
  removeCatalogTemplate,
  searchTemplates
} from './api';

/** The permissions the gallery checks. */
export namespace GalleryPermissions {
  export const read = 'gallery:read';
  export const use = 'gallery:use';
  export const manage = 'gallery:manage';
}

/** How many templates a search asks for at first, and more each time. */
export const PAGE_SIZE = 100;

/** The most templates a search may ask for (the server's limit). */
export const MAX_LIMIT = 500;

/** How long typing in the search box waits before searching, in ms. */
export const SEARCH_DELAY = 250;

/** The gallery refreshes less often than the studio: templates rarely change. */
export const GALLERY_REFRESH_INTERVAL = 30 * 1000;

/** A value of a facet with its count, as the filters show it. */
export interface IFacetValue {
  value: string;
  count: number;
  /** Whether it is the facet's filter. */
  selected: boolean;
}

/** The manifest of the selected template, or why it could not be loaded. */
interface IDetails {
  template: ITemplate | null;
  error: StudioAPIError | null;
}

/**
 * The model of the gallery panel.
 *
 * `ready` resolves after the first search (a failure is kept in `error`);
 * `changed` is emitted after every refresh and every change of the query,
 * the filters or the selection. Setting `query` searches after a short
 * pause; a filter or a selection refreshes at once.
 */
export class GalleryModel extends PollingModel {
  constructor(options: GalleryModel.IOptions = {}) {
    super({
      ...options,
      refreshInterval: options.refreshInterval ?? GALLERY_REFRESH_INTERVAL,
      name: 'jupyter-mlops-studio:GalleryModel#refresh'
    });
    this._search = new Debouncer(
      () => this.refresh(),
      options.searchDelay ?? SEARCH_DELAY
    );
  }

  /** The search text. */
  get query(): string {
    return this._query;
  }
  set query(value: string) {
    if (value === this._query) {
      return;
    }
    this._query = value;
    this.emitChanged();
    void this._search.invoke().catch(() => {
      // The error is kept in `error` and shown.
    });
  }

  /** The filter of each facet that has one. */
  get filters(): Readonly<FacetFilters> {
    return this._filters;
  }

  /** Whether the search has text or filters. */
  get isFiltered(): boolean {
    return !!this._query.trim() || Object.keys(this._filters).length > 0;
  }

  /** The templates of the last search, best match first. */
  get templates(): ReadonlyArray<ITemplateSummary> {
    return this._templates;
  }

  /** How many templates match the last search (`templates` may hold fewer). */
  get total(): number {
    return this._total;
  }

  /** Per facet, value -> count over the query and the other filters. */
  get facets(): Readonly<FacetCounts> {
    return this._facets;
  }

  /** The templates the server could not load, with the reason. */
  get problems(): ReadonlyArray<ITemplateProblem> {
    return this._problems;
  }

  /** Whether a search may ask for more templates than it shows. */
  get hasMore(): boolean {
    return this._total > this._templates.length && this._limit < MAX_LIMIT;
  }

  /** The values of a facet with their counts, by value; the filter kept even at 0. */
  facetValues(facet: Facet): IFacetValue[] {
    const counts = { ...this._facets[facet] };
    const selected = this._filters[facet];
    if (selected !== undefined && !(selected in counts)) {
      counts[selected] = 0;
    }
    return Object.keys(counts)
      .sort((a, b) => a.localeCompare(b))
      .map(value => ({
        value,
        count: counts[value],
        selected: value === selected
      }));
  }

  /** Filter a facet by a value (or clear its filter with `null`), then search. */
  setFilter(facet: Facet, value: string | null): Promise<void> {
    if ((this._filters[facet] ?? null) === value) {
      return Promise.resolve();
    }
    const filters = { ...this._filters };
    if (value === null) {
      delete filters[facet];
    } else {
      filters[facet] = value;
    }
    this._filters = filters;
    this._limit = PAGE_SIZE;
    this.emitChanged();
    return this.refresh();
  }

  /** Clear the search text and every filter, then search. */
  clearSearch(): Promise<void> {
    if (!this.isFiltered) {
      return Promise.resolve();
    }
    this._query = '';
    this._filters = {};
    this._limit = PAGE_SIZE;
    this.emitChanged();
    return this.refresh();
  }

  /** Ask for more templates of the same search. */
  showMore(): Promise<void> {
    this._limit = Math.min(MAX_LIMIT, this._limit + PAGE_SIZE);
    return this.refresh();
  }

  /** The id of the selected template, `null` when none is. */
  get selectedId(): string | null {
    return this._selectedId;
  }

  /** The manifest of the selected template, `null` while loading or on error. */
  get template(): ITemplate | null {
    return this._details.template;
  }

  /** Why the selected template could not be loaded (e.g. 404, 409). */
  get templateError(): StudioAPIError | null {
    return this._details.error;
  }

  /** Select a template (or none) and load its manifest. */
  selectTemplate(id: string | null): Promise<void> {
    if (id === this._selectedId) {
      return Promise.resolve();
    }
    this._selectedId = id;
    this._details = { template: null, error: null };
    this.emitChanged();
    return this.refresh();
  }

  /** Whether the signed-in user may use templates (in spaces they edit). */
  get canUse(): boolean {
    return this.can(GalleryPermissions.use);
  }

  /** Whether the signed-in user manages the domain catalog (admins). */
  get canManage(): boolean {
    return this.can(GalleryPermissions.manage);
  }

  /**
   * Add the template in a space folder (from the server root) to the domain
   * catalog, then select it.
   */
  async addToCatalog(spacePath: string): Promise<ITemplate> {
    const template = await addCatalogTemplate(spacePath, this.serverSettings);
    this._selectedId = template.id;
    this._details = { template, error: null };
    this.emitChanged();
    await this.refresh();
    return template;
  }

  /** Remove a template from the domain catalog (and from the selection). */
  async removeFromCatalog(id: string): Promise<void> {
    await removeCatalogTemplate(id, this.serverSettings);
    if (this._selectedId === id) {
      this._selectedId = null;
      this._details = { template: null, error: null };
    }
    this.emitChanged();
    await this.refresh();
  }

  /** Copy a template into a space; what was written is returned. */
  instantiate(id: string, use: ITemplateUse): Promise<ITemplateInstance> {
    return instantiateTemplate(id, use, this.serverSettings);
  }

  /** Make the server read every template source again, then search again. */
  async reloadSources(): Promise<IGalleryRefresh> {
    const counts = await refreshGallery(this.serverSettings);
    await this.refresh();
    return counts;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._search.dispose();
    super.dispose();
  }

  protected load(): PollingModel.ILoad {
    const query = { q: this._query, ...this._filters, limit: this._limit };
    const selected = this._selectedId;
    const details: Promise<IDetails | null> =
      selected === null
        ? Promise.resolve(null)
        : getTemplate(selected, this.serverSettings).then(
            template => ({ template, error: null }),
            error => ({ template: null, error: asAPIError(error) })
          );
    const answer = Promise.all([
      searchTemplates(query, this.serverSettings),
      details
    ]).then(([result, loaded]) => () => {
      this._templates = result.items;
      this._total = result.total;
      this._facets = result.facets;
      this._problems = result.problems;
      if (loaded !== null && selected === this._selectedId) {
        this._details = loaded;
      }
    });
    return { answer };
  }

  private _details: IDetails = { template: null, error: null };
  private _facets: FacetCounts = {
    type: {},
    task: {},
    framework: {},
    fine_tunable: {}
  };
  private _filters: FacetFilters = {};
  private _limit = PAGE_SIZE;
  private _problems: ITemplateProblem[] = [];
  private _query = '';
  private _search: Debouncer<void>;
  private _selectedId: string | null = null;
  private _templates: ITemplateSummary[] = [];
  private _total = 0;
}

/** A namespace for `GalleryModel` statics. */
export namespace GalleryModel {
  /** The options of a gallery model. */
  export interface IOptions extends PollingModel.IModelOptions {
    /** How long typing waits before searching, in ms (250 by default). */
    searchDelay?: number;
  }
}
