/**
 * Typed REST layer of the template gallery (`/mlops-studio/api/v1/gallery`).
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (e.g. 403 when the user cannot write the target space).
 */
import { ServerConnection } from '@jupyterlab/services';

import {
  jsonRequest,
  pathSegment,
  requestChecked,
  requestDelete,
  requestItems
} from '../api';
import * as validate from './validate';

/** The kinds of templates, in the order the panel shows them. */
export const TEMPLATE_TYPES = ['notebook', 'project', 'model'] as const;

/** The kind of a template. */
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

/** Where the gallery finds templates. */
export const TEMPLATE_SOURCES = [
  'builtin',
  'directory',
  'catalog',
  'entrypoint',
  'registry'
] as const;

/** Where the gallery found a template. */
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/** The types a template parameter may have. */
export const PARAMETER_TYPES = [
  'string',
  'integer',
  'number',
  'boolean'
] as const;

/** The type of a template parameter. */
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A parameter value. */
export type ParameterValue = string | number | boolean;

/** The facets of the gallery search, in the order the panel shows them. */
export const FACETS = ['type', 'task', 'framework', 'fine_tunable'] as const;

/** A facet of the gallery search. */
export type Facet = (typeof FACETS)[number];

/** A template as the search lists it. */
export interface ITemplateSummary {
  id: string;
  title: string;
  description: string;
  type: TemplateType;
  task: string;
  framework: string;
  tags: string[];
  fine_tunable: boolean;
  source: TemplateSource;
}

/** A parameter substituted (`{{ name }}`) when a template is used. */
export interface ITemplateParameter {
  name: string;
  type: ParameterType;
  /** Absent when the parameter must be given. */
  default?: ParameterValue;
  description: string;
}

/** A file a template copies. */
export interface ITemplateFile {
  /** Relative to the template folder. */
  path: string;
  /** In bytes. */
  size: number;
}

/** What a registry model template adds. */
export interface ITemplateRegistry {
  group: string;
  version: number | null;
  /** The versions that may be chosen as its `version` parameter. */
  approved_versions: number[];
  metrics: Record<string, unknown>;
}

/** A template's manifest and files, from `GET /gallery/templates/{id}`. */
export interface ITemplate extends ITemplateSummary {
  requirements: string[];
  /** The file opened after instantiation, relative to the template folder. */
  main: string | null;
  parameters: ITemplateParameter[];
  /** The configured folder, entry point or registry group it came from. */
  source_name: string;
  /** The `files` patterns of the manifest, when it has any. */
  file_patterns?: string[];
  files: ITemplateFile[];
  /** Only for templates of the model registry. */
  registry?: ITemplateRegistry;
}

/** A template the gallery could not offer. */
export interface ITemplateProblem {
  source: string;
  source_name: string;
  /** The template folder relative to its source. */
  path: string;
  /** A short code, e.g. `missing-field`, `file-outside`, `duplicate-id`. */
  reason: string;
  message: string;
}

/** Per facet, value -> count over the query and the other filters. */
export type FacetCounts = Record<Facet, Record<string, number>>;

/** The answer of `GET /gallery/templates`. */
export interface ITemplateSearch {
  /** Templates matching the query and every filter (`items` may be fewer). */
  total: number;
  items: ITemplateSummary[];
  facets: FacetCounts;
  problems: ITemplateProblem[];
}

/** The filters of a search: one value per facet at most. */
export type FacetFilters = Partial<Record<Facet, string>>;

/** A gallery search. */
export interface ITemplateQuery extends FacetFilters {
  /** Words, each a prefix of a word of the title, description or tags. */
  q?: string;
  /** At most this many items (1-500, 50 by default). */
  limit?: number;
}

/** The body of `POST /gallery/templates/{id}/instantiate`. */
export interface ITemplateUse {
  space: string;
  /** The folder in the space, the template id by default. */
  folder?: string;
  parameters?: Record<string, ParameterValue>;
  /** Refuse (409) when the folder exists instead of choosing `<folder>-2`. */
  exact?: boolean;
}

/** The answer of an instantiation: what was written, from the server root. */
export interface ITemplateInstance {
  template: string;
  space: string;
  /** The folder written, from the server root. */
  folder: string;
  files: string[];
  /** The file to open, from the server root; `null` when there is none. */
  main: string | null;
  parameters: Record<string, ParameterValue>;
}

/** The answer of `POST /gallery/refresh`. */
export interface IGalleryRefresh {
  templates: number;
  problems: number;
}

/** The query string of a search (empty values left out). */
export function searchQuery(query: ITemplateQuery): string {
  const params = new URLSearchParams();
  const q = query.q?.trim();
  if (q) {
    params.set('q', q);
  }
  for (const facet of FACETS) {
    const value = query[facet];
    if (value) {
      params.set(facet, value);
    }
  }
  if (query.limit !== undefined) {
    params.set('limit', String(query.limit));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function templatePath(id: string): string {
  return `gallery/templates/${pathSegment(id)}`;
}

/** `GET /gallery/templates`: search, filter and count the templates. */
export function searchTemplates(
  query: ITemplateQuery = {},
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplateSearch> {
  return requestChecked(
    'gallery/templates' + searchQuery(query),
    validate.validateSearch,
    serverSettings
  );
}

/** `GET /gallery/templates/{id}`: a template's manifest and files. */
export function getTemplate(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplate> {
  return requestChecked(
    templatePath(id),
    validate.validateTemplate,
    serverSettings
  );
}

/**
 * `POST /gallery/templates/{id}/instantiate`: copy a template into a new
 * folder of a space, its parameters substituted.
 */
export function instantiateTemplate(
  id: string,
  use: ITemplateUse,
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplateInstance> {
  return requestChecked(
    `${templatePath(id)}/instantiate`,
    validate.validateInstance,
    serverSettings,
    jsonRequest('POST', use)
  );
}

/** `GET /gallery/problems`: the templates the gallery could not offer. */
export function listTemplateProblems(
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplateProblem[]> {
  return requestItems(
    'gallery/problems',
    validate.validateProblem,
    serverSettings
  );
}

/** `POST /gallery/refresh`: read every template source again now. */
export function refreshGallery(
  serverSettings?: ServerConnection.ISettings
): Promise<IGalleryRefresh> {
  return requestChecked(
    'gallery/refresh',
    validate.validateRefresh,
    serverSettings,
    jsonRequest('POST')
  );
}

/**
 * `POST /gallery/catalog`: admins add the template in a folder of a space
 * (`spaces/<space>/<folder>`, from the server root) to the domain catalog.
 */
export function addCatalogTemplate(
  spacePath: string,
  serverSettings?: ServerConnection.ISettings
): Promise<ITemplate> {
  return requestChecked(
    'gallery/catalog',
    validate.validateTemplate,
    serverSettings,
    jsonRequest('POST', { space_path: spacePath })
  );
}

/** `DELETE /gallery/catalog/{id}`: admins remove a template of the domain catalog. */
export function removeCatalogTemplate(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  return requestDelete(`gallery/catalog/${pathSegment(id)}`, serverSettings);
}
