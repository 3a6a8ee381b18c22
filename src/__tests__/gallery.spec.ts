import {
  addCatalogTemplate,
  getTemplate,
  instantiateTemplate,
  listTemplateProblems,
  refreshGallery,
  removeCatalogTemplate,
  searchQuery,
  searchTemplates
} from '../gallery/api';
import { GalleryModel, MAX_LIMIT, PAGE_SIZE } from '../gallery/model';
import {
  folderError,
  initialInputs,
  parseParameter,
  parseParameters
} from '../gallery/parameters';
import type { ITemplateParameter } from '../gallery/api';
import { flush } from './dom';
import { failed, FakeServer, unexpected } from './fakeserver';
import {
  GALLERY_ADMIN,
  galleryServer,
  makeInstance,
  makeProblem,
  makeSummary,
  makeTemplate,
  SUMMARIES
} from './galleryfakes';

describe('gallery API', () => {
  it('builds the query string from the text, the filters and the limit', () => {
    expect(searchQuery({})).toBe('');
    expect(searchQuery({ q: '  ', task: '' })).toBe('');
    expect(
      searchQuery({ q: ' churn model ', task: 'mlops', fine_tunable: 'true' })
    ).toBe('?q=churn+model&task=mlops&fine_tunable=true');
    expect(searchQuery({ type: 'model', limit: 100 })).toBe(
      '?type=model&limit=100'
    );
  });

  it('searchTemplates sends the filters and validates the answer', async () => {
    const server = galleryServer();
    const result = await searchTemplates(
      { q: 'tab', type: 'notebook' },
      server.serverSettings
    );
    const [request] = server.calls('GET', 'gallery/templates');
    expect(request.query.get('q')).toBe('tab');
    expect(request.query.get('type')).toBe('notebook');
    expect(result.items.map(t => t.id)).toEqual(['churn', 'regression']);
    expect(result.total).toBe(2);
    expect(result.facets.task).toEqual({
      'tabular-classification': 1,
      'tabular-regression': 1
    });
    // Counted over the query and the other filters: every type of "tab".
    expect(result.facets.type).toEqual({ notebook: 2 });
    expect(result.problems[0].reason).toBe('missing-field');
  });

  it('normalizes what may be missing from a search answer', async () => {
    const server = new FakeServer().on('GET', 'gallery/templates', 200, {
      total: 1,
      items: [makeSummary('bare', { description: null, tags: null })],
      facets: { task: { x: 1 } }
    });
    const result = await searchTemplates({}, server.serverSettings);
    expect(result.items[0].description).toBe('');
    expect(result.items[0].tags).toEqual([]);
    expect(result.facets.type).toEqual({});
    expect(result.facets.task).toEqual({ x: 1 });
    expect(result.problems).toEqual([]);
  });

  it('rejects a template of an unknown type, naming it', async () => {
    const server = new FakeServer().on('GET', 'gallery/templates', 200, {
      total: 1,
      items: [makeSummary('x', { type: 'dataset' })],
      facets: {},
      problems: []
    });
    const error = await searchTemplates({}, server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.reason).toBe('invalid-response');
    expect(error.message).toMatch(/items\[0\].*type/);
  });

  it('rejects a facet count that is not an integer', async () => {
    const server = new FakeServer().on('GET', 'gallery/templates', 200, {
      total: 0,
      items: [],
      facets: { framework: { 'scikit-learn': 'many' } },
      problems: []
    });
    const error = await searchTemplates({}, server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.message).toMatch(/facets\.framework\.scikit-learn/);
  });

  it('getTemplate validates the manifest, its parameters and files', async () => {
    const server = galleryServer();
    const template = await getTemplate('churn', server.serverSettings);
    expect(template.main).toBe('churn.ipynb');
    expect(template.parameters.map(p => [p.name, p.type, p.default])).toEqual([
      ['test_size', 'number', 0.25],
      ['seed', 'integer', 42],
      ['label', 'string', undefined],
      ['verbose', 'boolean', false]
    ]);
    expect(template.files[1]).toEqual({ path: 'data/sample.csv', size: 120 });
    expect(template.registry).toBeUndefined();
  });

  it('rejects a parameter of an unknown type and a malformed file', async () => {
    const server = new FakeServer()
      .on(
        'GET',
        'gallery/templates/a',
        200,
        makeTemplate('a', { parameters: [{ name: 'n', type: 'float' }] })
      )
      .on(
        'GET',
        'gallery/templates/b',
        200,
        makeTemplate('b', { files: [{ path: 'x.ipynb', size: '1 KB' }] })
      );
    const a = await getTemplate('a', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(a.message).toMatch(/parameters\[0\].*type/);
    const b = await getTemplate('b', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(b.message).toMatch(/files\[0\].*size/);
  });

  it('validates what a registry model template adds', async () => {
    const registry = {
      group: 'churn',
      version: 3,
      metrics: { accuracy: 0.9 },
      approved_versions: [1, 3]
    };
    const server = new FakeServer()
      .on(
        'GET',
        'gallery/templates/model-churn',
        200,
        makeTemplate('model-churn', { source: 'registry', registry })
      )
      .on(
        'GET',
        'gallery/templates/model-bad',
        200,
        makeTemplate('model-bad', {
          source: 'registry',
          registry: { ...registry, approved_versions: ['v1'] }
        })
      );
    const template = await getTemplate('model-churn', server.serverSettings);
    expect(template.registry?.approved_versions).toEqual([1, 3]);
    const error = await getTemplate('model-bad', server.serverSettings).then(
      unexpected,
      failed
    );
    expect(error.message).toMatch(/approved_versions/);
  });

  it('encodes the template id in the path', async () => {
    const server = new FakeServer().on(
      'GET',
      'gallery/templates/my%20template',
      200,
      makeTemplate('my template')
    );
    const template = await getTemplate('my template', server.serverSettings);
    expect(template.id).toBe('my template');
  });

  it('instantiateTemplate posts the space, folder and typed parameters', async () => {
    const server = new FakeServer().on(
      'POST',
      'gallery/templates/churn/instantiate',
      201,
      makeInstance('churn', 'team', { test_size: 0.3 })
    );
    const instance = await instantiateTemplate(
      'churn',
      { space: 'team', folder: 'churn', parameters: { test_size: 0.3 } },
      server.serverSettings
    );
    expect(instance.main).toBe('spaces/team/churn/churn.ipynb');
    const [request] = server.calls(
      'POST',
      'gallery/templates/churn/instantiate'
    );
    expect(request.body).toEqual({
      space: 'team',
      folder: 'churn',
      parameters: { test_size: 0.3 }
    });
    expect(request.contentType).toBe('application/json');
  });

  it('turns a refusal into an error with the server reason', async () => {
    const server = new FakeServer().on(
      'POST',
      'gallery/templates/churn/instantiate',
      403,
      { message: 'viewers may not write in team', reason: 'forbidden' }
    );
    const error = await instantiateTemplate(
      'churn',
      { space: 'team' },
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.status).toBe(403);
    expect(error.reason).toBe('forbidden');
    expect(error.message).toBe('viewers may not write in team');
  });

  it('lists the problems and refreshes the sources', async () => {
    const server = galleryServer().on('POST', 'gallery/refresh', 200, {
      templates: 4,
      problems: 1
    });
    const problems = await listTemplateProblems(server.serverSettings);
    expect(problems.map(p => p.path)).toEqual(['broken']);
    expect(await refreshGallery(server.serverSettings)).toEqual({
      templates: 4,
      problems: 1
    });
    expect(server.calls('POST', 'gallery/refresh')).toHaveLength(1);
  });
});

describe('gallery catalog API', () => {
  it('adds a space folder to the catalog and removes a template', async () => {
    const server = new FakeServer()
      .on(
        'POST',
        'gallery/catalog',
        201,
        makeTemplate('team-template', { source: 'catalog' })
      )
      .on('DELETE', 'gallery/catalog/team-template', 204);
    const added = await addCatalogTemplate(
      'spaces/team/team-template',
      server.serverSettings
    );
    expect(added.source).toBe('catalog');
    expect(server.calls('POST', 'gallery/catalog')[0].body).toEqual({
      space_path: 'spaces/team/team-template'
    });
    await removeCatalogTemplate('team-template', server.serverSettings);
    expect(
      server.calls('DELETE', 'gallery/catalog/team-template')
    ).toHaveLength(1);
  });

  it('turns an invalid template into an error with its reason', async () => {
    const server = new FakeServer().on('POST', 'gallery/catalog', 400, {
      message: 'invalid template: missing field: task',
      reason: 'missing-field'
    });
    const error = await addCatalogTemplate(
      'spaces/team/broken',
      server.serverSettings
    ).then(unexpected, failed);
    expect(error.status).toBe(400);
    expect(error.reason).toBe('missing-field');
  });
});

describe('template parameters', () => {
  const param = (
    type: ITemplateParameter['type'],
    extra: Partial<ITemplateParameter> = {}
  ): ITemplateParameter => ({ name: 'p', type, description: '', ...extra });

  it('parses integers strictly', () => {
    expect(parseParameter(param('integer'), ' 42 ')).toEqual({
      value: 42,
      error: null
    });
    expect(parseParameter(param('integer'), '-7').value).toBe(-7);
    expect(parseParameter(param('integer'), '4.2').error).toBe(
      'must be a whole number'
    );
    expect(parseParameter(param('integer'), '1e3').error).toBe(
      'must be a whole number'
    );
    expect(parseParameter(param('integer'), '').error).toBe('is required');
    expect(parseParameter(param('integer'), '9'.repeat(20)).error).toBe(
      'is too large'
    );
  });

  it('parses numbers, refusing words and infinities', () => {
    expect(parseParameter(param('number'), '0.25').value).toBe(0.25);
    expect(parseParameter(param('number'), '.5').value).toBe(0.5);
    expect(parseParameter(param('number'), '2e-5').value).toBe(0.00002);
    expect(parseParameter(param('number'), '3').value).toBe(3);
    expect(parseParameter(param('number'), 'a third').error).toBe(
      'must be a number'
    );
    expect(parseParameter(param('number'), 'Infinity').error).toBe(
      'must be a number'
    );
    expect(parseParameter(param('number'), '1e999').error).toBe(
      'must be a finite number'
    );
    expect(parseParameter(param('number'), '0x10').error).toBe(
      'must be a number'
    );
  });

  it('keeps strings as typed, refusing NUL and very long ones', () => {
    expect(parseParameter(param('string'), '').value).toBe('');
    expect(parseParameter(param('string'), ' a b ').value).toBe(' a b ');
    expect(parseParameter(param('string'), 'a\u0000b').error).toMatch(/NUL/);
    expect(parseParameter(param('string'), 'x'.repeat(10001)).error).toMatch(
      /at most 10000/
    );
  });

  it('takes booleans from a checkbox only', () => {
    expect(parseParameter(param('boolean'), true).value).toBe(true);
    expect(parseParameter(param('boolean'), 'true').error).toBe(
      'must be true or false'
    );
  });

  it('starts from the defaults and checks every field', () => {
    const parameters = makeTemplate('churn').parameters as ITemplateParameter[];
    const inputs = initialInputs(parameters);
    expect(inputs).toEqual({
      test_size: '0.25',
      seed: '42',
      label: '',
      verbose: false
    });
    expect(parseParameters(parameters, inputs)).toEqual({
      values: { test_size: 0.25, seed: 42, label: '', verbose: false },
      errors: {},
      valid: true
    });
    const bad = parseParameters(parameters, {
      ...inputs,
      seed: 'x',
      test_size: ''
    });
    expect(bad.valid).toBe(false);
    expect(bad.errors).toEqual({
      seed: 'must be a whole number',
      test_size: 'is required'
    });
    expect(bad.values).toEqual({ label: '', verbose: false });
  });

  it('accepts relative folders of visible names only', () => {
    expect(folderError('churn')).toBeNull();
    expect(folderError(' experiments/churn ')).toBeNull();
    expect(folderError('')).toMatch(/required/);
    expect(folderError('/abs')).toMatch(/relative/);
    expect(folderError('a\\b')).toMatch(/relative/);
    expect(folderError('a//b')).toMatch(/empty/);
    expect(folderError('../up')).toMatch(/dot/);
    expect(folderError('.hidden')).toMatch(/dot/);
  });
});

describe('GalleryModel', () => {
  let model: GalleryModel;

  const setup = async (server: FakeServer = galleryServer()) => {
    model = new GalleryModel({
      serverSettings: server.serverSettings,
      searchDelay: 5
    });
    await model.ready;
    return server;
  };

  afterEach(() => {
    model.dispose();
  });

  it('loads the templates, the facet counts and the problems', async () => {
    await setup();
    expect(model.error).toBeNull();
    expect(model.templates.map(t => t.id)).toEqual(SUMMARIES.map(s => s.id));
    expect(model.total).toBe(4);
    expect(model.facetValues('type')).toEqual([
      { value: 'model', count: 1, selected: false },
      { value: 'notebook', count: 2, selected: false },
      { value: 'project', count: 1, selected: false }
    ]);
    expect(model.facetValues('fine_tunable').map(v => v.value)).toEqual([
      'false',
      'true'
    ]);
    expect(model.problems.map(p => p.path)).toEqual(['broken']);
    expect(model.isFiltered).toBe(false);
    expect(model.canUse).toBe(true);
  });

  it('filters by a facet and keeps the filter shown at 0', async () => {
    const server = await setup();
    await model.setFilter('task', 'mlops');
    const [last] = server.calls('GET', 'gallery/templates').slice(-1);
    expect(last.query.get('task')).toBe('mlops');
    expect(model.templates.map(t => t.id)).toEqual(['mlops-project']);
    expect(model.filters).toEqual({ task: 'mlops' });
    // The task counts ignore the task filter itself.
    expect(model.facetValues('task').map(v => v.value)).toHaveLength(4);

    model.query = 'sentence';
    await new Promise(resolve => setTimeout(resolve, 30));
    await flush();
    expect(model.templates).toEqual([]);
    expect(model.facetValues('task')).toContainEqual({
      value: 'mlops',
      count: 0,
      selected: true
    });

    await model.setFilter('task', null);
    expect(model.templates.map(t => t.id)).toEqual(['embeddings']);
    expect(model.filters).toEqual({});
  });

  it('searches once typing pauses', async () => {
    const server = await setup();
    const before = server.calls('GET', 'gallery/templates').length;
    model.query = 'r';
    model.query = 'ri';
    model.query = 'ridge';
    expect(model.query).toBe('ridge');
    expect(server.calls('GET', 'gallery/templates')).toHaveLength(before);
    await new Promise(resolve => setTimeout(resolve, 30));
    await flush();
    const searches = server.calls('GET', 'gallery/templates').slice(before);
    expect(searches.map(r => r.query.get('q'))).toEqual(['ridge']);
    expect(model.templates.map(t => t.id)).toEqual(['regression']);
    expect(model.isFiltered).toBe(true);

    await model.clearSearch();
    expect(model.query).toBe('');
    expect(model.templates).toHaveLength(4);
  });

  it('loads the selected template and keeps its error apart', async () => {
    const server = await setup();
    await model.selectTemplate('churn');
    expect(model.selectedId).toBe('churn');
    expect(model.template?.parameters).toHaveLength(4);
    expect(model.templateError).toBeNull();

    server.on('GET', 'gallery/templates/regression', 409, {
      message: 'template regression became invalid: missing-file',
      reason: 'missing-file'
    });
    await model.selectTemplate('regression');
    expect(model.template).toBeNull();
    expect(model.templateError?.status).toBe(409);
    expect(model.error).toBeNull();
    expect(model.templates).toHaveLength(4);

    await model.selectTemplate(null);
    expect(model.template).toBeNull();
    expect(model.templateError).toBeNull();
  });

  it('asks for more templates up to the server limit', async () => {
    const many = Array.from({ length: 130 }, (_, i) =>
      makeSummary(`t${String(i).padStart(3, '0')}`)
    );
    const server = galleryServer();
    server.routes['GET gallery/templates'] = request => {
      const limit = Number(request.query.get('limit'));
      return {
        status: 200,
        body: {
          total: 900,
          items: many.slice(0, Math.min(limit, many.length)),
          facets: {},
          problems: []
        }
      };
    };
    await setup(server);
    expect(server.calls('GET', 'gallery/templates')[0].query.get('limit')).toBe(
      String(PAGE_SIZE)
    );
    expect(model.templates).toHaveLength(PAGE_SIZE);
    expect(model.hasMore).toBe(true);
    for (let i = 0; i < 5; i++) {
      await model.showMore();
    }
    const limits = server
      .calls('GET', 'gallery/templates')
      .map(r => Number(r.query.get('limit')));
    expect(Math.max(...limits)).toBe(MAX_LIMIT);
    expect(model.hasMore).toBe(false);
  });

  it('reloads the sources, then searches again', async () => {
    const server = await setup();
    server.on('POST', 'gallery/refresh', 200, { templates: 4, problems: 2 });
    server.on('GET', 'gallery/templates', 200, {
      total: 0,
      items: [],
      facets: {},
      problems: [makeProblem('a'), makeProblem('b', { reason: 'file-outside' })]
    });
    expect(await model.reloadSources()).toEqual({ templates: 4, problems: 2 });
    expect(model.problems.map(p => p.reason)).toEqual([
      'missing-field',
      'file-outside'
    ]);
  });

  it('instantiates through the server and returns what was written', async () => {
    const server = await setup();
    server.on(
      'POST',
      'gallery/templates/churn/instantiate',
      201,
      makeInstance('churn', 'team')
    );
    const instance = await model.instantiate('churn', { space: 'team' });
    expect(instance.folder).toBe('spaces/team/churn');
    expect(instance.main).toBe('spaces/team/churn/churn.ipynb');
  });

  it('selects a template added to the catalog, deselects one removed', async () => {
    const server = await setup(galleryServer(GALLERY_ADMIN));
    expect(model.canManage).toBe(true);
    const added = makeTemplate('team-template', { source: 'catalog' });
    server
      .on('POST', 'gallery/catalog', 201, added)
      .on('GET', 'gallery/templates/team-template', 200, added)
      .on('DELETE', 'gallery/catalog/team-template', 204);
    await model.addToCatalog('spaces/team/team-template');
    expect(model.selectedId).toBe('team-template');
    expect(model.template?.source).toBe('catalog');

    await model.removeFromCatalog('team-template');
    expect(
      server.calls('DELETE', 'gallery/catalog/team-template')
    ).toHaveLength(1);
    expect(model.selectedId).toBeNull();
    expect(model.template).toBeNull();
  });

  it('keeps a failed search in error', async () => {
    const server = galleryServer().on('GET', 'gallery/templates', 500, {
      message: 'boom',
      reason: 'internal'
    });
    await setup(server);
    expect(model.error?.status).toBe(500);
    expect(model.templates).toEqual([]);
  });
});
