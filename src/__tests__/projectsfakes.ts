/**
 * Project fixtures for tests: projects, project templates and a fake server
 * answering /me, /spaces, /projects and the gallery's template routes.
 */
import { FakeServer, makeSpace, ME } from './fakeserver';

export const PROJECTS_ME = {
  ...ME,
  permissions: [
    'spaces:create',
    'projects:read',
    'projects:create',
    'projects:delete'
  ]
};

export const PROJECT_ID = 'p'.repeat(32);

export function makeProject(
  name = 'churn',
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id: `${name}-${PROJECT_ID}`.slice(0, 32),
    name,
    status: 'CreateCompleted',
    template: 'project-build-deploy',
    parameters: { min_accuracy: 0.9, max_iter: 500 },
    space: 'team',
    repository: `spaces/team/${name}`,
    model_group: `${name}-pppppppp`,
    service_account: `project-${name}-pppppppp`,
    failure_reason: null,
    created_by: 'alice',
    created_at: '2026-03-01T10:00:00+00:00',
    archive_path: null,
    ...overrides
  };
}

/** The summary of a project template, as the gallery search lists it. */
export function templateSummary(
  id: string,
  title: string
): Record<string, unknown> {
  return {
    id,
    title,
    description: `The ${title} seed repository.`,
    type: 'project',
    task: 'mlops',
    framework: 'scikit-learn',
    tags: ['project'],
    fine_tunable: false,
    source: 'builtin'
  };
}

export const BUILD_DEPLOY = templateSummary(
  'project-build-deploy',
  'MLOps project: model build + deploy'
);
export const BUILD_ONLY = templateSummary(
  'project-build-only',
  'MLOps project: model build only'
);

/** A template's manifest with parameters of every type. */
export function templateManifest(
  summary: Record<string, unknown>,
  parameters: Record<string, unknown>[]
): Record<string, unknown> {
  return {
    ...summary,
    requirements: ['scikit-learn>=1.4'],
    main: 'README.md',
    parameters,
    source_name: 'jupyter_mlops_studio',
    files: [{ path: 'README.md', size: 120 }]
  };
}

export const BUILD_DEPLOY_MANIFEST = templateManifest(BUILD_DEPLOY, [
  {
    name: 'min_accuracy',
    type: 'number',
    default: 0.9,
    description: 'The accuracy a version needs to pass the quality gate'
  },
  { name: 'max_iter', type: 'integer', default: 500, description: '' }
]);

export const BUILD_ONLY_MANIFEST = templateManifest(BUILD_ONLY, [
  { name: 'dataset', type: 'string', description: 'The dataset to train on' },
  { name: 'verbose', type: 'boolean', default: true, description: '' }
]);

/** The spaces of the fixtures: where alice may create projects and where not. */
export const SPACES = [
  makeSpace('mine', { sharing: 'private' }),
  makeSpace('team', { sharing: 'shared', role: 'owner' }),
  makeSpace('lab', { sharing: 'shared', role: 'editor', owner: 'bob' }),
  makeSpace('library', { sharing: 'shared', role: 'viewer', owner: 'bob' })
];

/** A fake server answering /me, /spaces, /projects and the project templates. */
export function projectsServer(
  projects: Record<string, unknown>[] = [makeProject()]
): FakeServer {
  return new FakeServer()
    .on('GET', 'me', 200, PROJECTS_ME)
    .on('GET', 'spaces', 200, { items: SPACES, next: null })
    .on('GET', 'projects', 200, { items: projects, next: null })
    .on('GET', 'gallery/templates', 200, {
      total: 2,
      items: [BUILD_DEPLOY, BUILD_ONLY],
      facets: { type: { project: 2 } },
      problems: []
    })
    .on(
      'GET',
      'gallery/templates/project-build-deploy',
      200,
      BUILD_DEPLOY_MANIFEST
    )
    .on(
      'GET',
      'gallery/templates/project-build-only',
      200,
      BUILD_ONLY_MANIFEST
    );
}

/**
 * Hold the server's answers to `method` requests until the returned
 * function is called (a slow server: the requests are recorded at once).
 */
export function holdRequests(server: FakeServer, method: string): () => void {
  let release!: () => void;
  const released = new Promise<void>(resolve => (release = resolve));
  const target = server as unknown as {
    _fetch: (request: Request) => Promise<Response>;
  };
  const answer = target._fetch.bind(server);
  target._fetch = async (request: Request) => {
    if (request.method === method) {
      await released;
    }
    return answer(request);
  };
  return release;
}
