/**
 * Gallery fixtures for tests: templates, manifests, problems and a fake
 * server whose search filters and counts like the real one (every word a
 * prefix of a word of the title, description or tags; facet counts over
 * the query and the other filters).
 */
import { FakeServer, IRecordedRequest, ME } from './fakeserver';

export const GALLERY_ME = {
  ...ME,
  permissions: ['spaces:create', 'gallery:read', 'gallery:use']
};

export const GALLERY_ADMIN = {
  ...GALLERY_ME,
  username: 'root',
  personas: ['admin'],
  permissions: [...GALLERY_ME.permissions, 'gallery:manage'],
  is_admin: true
};

export function makeSummary(
  id: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id,
    title: `Template ${id}`,
    description: `What ${id} does`,
    type: 'notebook',
    task: 'tabular-classification',
    framework: 'scikit-learn',
    tags: ['quickstart'],
    fine_tunable: false,
    source: 'builtin',
    ...overrides
  };
}

/** The four templates of the fake gallery. */
export const SUMMARIES = [
  makeSummary('churn', {
    title: 'Churn classifier',
    description: 'Gradient boosting on the churn table',
    tags: ['classification', 'tabular'],
    fine_tunable: true
  }),
  makeSummary('embeddings', {
    title: 'Sentence embeddings',
    description: 'A pre-trained model, offline',
    type: 'model',
    task: 'text-embedding',
    framework: 'sentence-transformers',
    tags: ['nlp'],
    fine_tunable: true
  }),
  makeSummary('mlops-project', {
    title: 'MLOps project',
    description: 'Pipeline, CI and deploy',
    type: 'project',
    task: 'mlops',
    tags: ['pipeline']
  }),
  makeSummary('regression', {
    title: 'Ridge regression',
    description: 'Linear model with a penalty',
    task: 'tabular-regression',
    tags: ['regression', 'tabular']
  })
];

/** The manifest of a template: its summary, parameters and files. */
export function makeTemplate(
  id: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  const summary = SUMMARIES.find(s => s.id === id) ?? makeSummary(id);
  return {
    ...summary,
    requirements: ['scikit-learn>=1.4'],
    main: `${id}.ipynb`,
    parameters: [
      {
        name: 'test_size',
        type: 'number',
        default: 0.25,
        description: 'Share held out'
      },
      { name: 'seed', type: 'integer', default: 42, description: 'Seed' },
      { name: 'label', type: 'string', description: 'The target column' },
      { name: 'verbose', type: 'boolean', default: false, description: '' }
    ],
    source_name: 'jupyter_mlops_studio',
    files: [
      { path: `${id}.ipynb`, size: 2900 },
      { path: 'data/sample.csv', size: 120 }
    ],
    ...overrides
  };
}

export function makeProblem(
  path: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    source: 'directory',
    source_name: '/srv/templates',
    path,
    reason: 'missing-field',
    message: 'missing field: task',
    ...overrides
  };
}

export const PROBLEMS = [makeProblem('broken')];

const FACETS = ['type', 'task', 'framework', 'fine_tunable'];

function facetValue(template: Record<string, unknown>, facet: string): string {
  // fine_tunable is a boolean, counted as 'true' / 'false' like the server.
  return String(template[facet]);
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** Search `templates` as the server does for a request's query. */
export function fakeSearch(
  templates: Record<string, unknown>[],
  request: IRecordedRequest,
  problems: Record<string, unknown>[] = PROBLEMS
): Record<string, unknown> {
  const query = words(request.query.get('q') ?? '');
  const matched = templates.filter(t => {
    const text = words(
      `${t.title} ${t.description} ${(t.tags as string[]).join(' ')}`
    );
    return query.every(word => text.some(w => w.startsWith(word)));
  });
  const filters = FACETS.filter(f => request.query.has(f));
  const passes = (t: Record<string, unknown>, except: string | null) =>
    filters.every(
      f => f === except || facetValue(t, f) === request.query.get(f)
    );
  const facets: Record<string, Record<string, number>> = {};
  for (const facet of FACETS) {
    const counts: Record<string, number> = {};
    for (const t of matched.filter(t => passes(t, facet))) {
      const value = facetValue(t, facet);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    facets[facet] = counts;
  }
  const items = matched.filter(t => passes(t, null));
  const limit = Number(request.query.get('limit') ?? '50');
  return {
    total: items.length,
    items: items.slice(0, limit),
    facets,
    problems
  };
}

/**
 * A fake server with the four templates and one problem, the manifests of
 * every template and a space `team` (shared, editor) and `mine` (private,
 * owner) and `read-only` (viewer).
 */
export function galleryServer(
  me: Record<string, unknown> = GALLERY_ME
): FakeServer {
  const server = new FakeServer()
    .on('GET', 'me', 200, me)
    .on('GET', 'gallery/problems', 200, { items: PROBLEMS, next: null });
  server.routes['GET gallery/templates'] = request => ({
    status: 200,
    body: fakeSearch(SUMMARIES, request)
  });
  for (const summary of SUMMARIES) {
    const id = summary.id as string;
    server.on('GET', `gallery/templates/${id}`, 200, makeTemplate(id));
  }
  return server;
}

/** What `POST instantiate` answers for `id` into `space`. */
export function makeInstance(
  id: string,
  space: string,
  parameters: Record<string, unknown> = {}
): Record<string, unknown> {
  const folder = `spaces/${space}/${id}`;
  return {
    template: id,
    space,
    folder,
    files: [`${folder}/${id}.ipynb`, `${folder}/data/sample.csv`],
    main: `${folder}/${id}.ipynb`,
    parameters
  };
}
