import { StudioAPIError } from '../api';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  listProjectTemplates
} from '../projects/api';
import { isBusy, ProjectsModel, projectSpaces } from '../projects/model';
import {
  PROJECT_NAME_MAX_LENGTH,
  projectNameProblem,
  validateProject
} from '../projects/validate';
import { validateSpace } from '../validate';
import { failed, makeSpace, unexpected } from './fakeserver';
import {
  holdRequests,
  makeProject,
  projectsServer,
  PROJECTS_ME,
  SPACES
} from './projectsfakes';

/** A deep copy of a JSON fixture (validators normalize in place). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** Wait for `ms` milliseconds. */
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Wait until `condition` holds, checking every 5 ms; fail after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) {
      throw new Error('The condition did not hold within 5 s');
    }
    await sleep(5);
  }
}

describe('project name check', () => {
  it('accepts the names the server accepts', () => {
    for (const name of ['churn', 'Churn-2', 'a', '7', 'a'.repeat(45)]) {
      expect(projectNameProblem(name)).toBeNull();
    }
  });

  it('refuses empty, long and badly formed names, saying why', () => {
    expect(projectNameProblem('')).toMatch(/required/);
    expect(projectNameProblem('a'.repeat(PROJECT_NAME_MAX_LENGTH + 1))).toBe(
      'A project name has at most 45 characters.'
    );
    for (const name of ['-churn', 'churn-', 'my_churn', 'my.churn', 'a b']) {
      expect(projectNameProblem(name)).toMatch(/Letters, digits and '-'/);
    }
  });
});

describe('project answers', () => {
  it('normalizes the optional parts of a project', () => {
    const project = validateProject({
      id: 'x',
      name: 'churn',
      status: 'CreateInProgress',
      space: 'team',
      repository: 'spaces/team/churn',
      model_group: 'churn-12345678'
    });
    expect(project.parameters).toEqual({});
    expect(project.failure_reason).toBeNull();
    expect(project.archive_path).toBeNull();
    expect(project.created_by).toBe('');
  });

  it('refuses a project with an unknown status or without a repository', () => {
    expect(() =>
      validateProject(makeProject('x', { status: 'Creating' }))
    ).toThrow(/status/);
    expect(() =>
      validateProject(makeProject('x', { repository: null }))
    ).toThrow(/repository/);
  });
});

describe('projectSpaces', () => {
  const spaces = SPACES.map(space => validateSpace(copy(space)));

  it('offers the shared spaces the user edits or owns', () => {
    expect(projectSpaces(spaces, false).map(space => space.name)).toEqual([
      'team',
      'lab'
    ]);
  });

  it('offers every shared space to an admin', () => {
    const adminSpaces = [
      ...spaces,
      validateSpace(makeSpace('other', { sharing: 'shared', role: null }))
    ];
    expect(projectSpaces(adminSpaces, true).map(space => space.name)).toEqual([
      'team',
      'lab',
      'library',
      'other'
    ]);
  });
});

describe('projects REST layer', () => {
  it('lists and gets projects', async () => {
    const server = projectsServer();
    server.on('GET', 'projects/churn', 200, makeProject());
    const projects = await listProjects(server.serverSettings);
    expect(projects.map(p => [p.name, p.status])).toEqual([
      ['churn', 'CreateCompleted']
    ]);
    expect((await getProject('churn', server.serverSettings)).model_group).toBe(
      'churn-pppppppp'
    );
  });

  it('posts a project and answers a name clash with its reason', async () => {
    const server = projectsServer();
    server.on('POST', 'projects', 201, makeProject('fraud'));
    const request = {
      name: 'fraud',
      space: 'team',
      template: 'project-build-deploy',
      parameters: { min_accuracy: 0.8 }
    };
    const project = await createProject(request, server.serverSettings);
    expect(project.name).toBe('fraud');
    expect(server.calls('POST', 'projects')[0].body).toEqual(request);
    server.on('POST', 'projects', 409, {
      message: "project 'fraud' exists",
      reason: 'project-exists'
    });
    const error = failed(
      await createProject(request, server.serverSettings).then(
        unexpected,
        e => e
      )
    );
    expect(error.status).toBe(409);
    expect(error.reason).toBe('project-exists');
  });

  it('deletes a project confirmed by its name', async () => {
    const server = projectsServer();
    server.on('DELETE', 'projects/churn', 200, makeProject());
    await deleteProject('churn', server.serverSettings);
    expect(server.calls('DELETE', 'projects/churn')[0].body).toEqual({
      confirm: 'churn'
    });
  });

  it('lists the project templates of the gallery', async () => {
    const server = projectsServer();
    const templates = await listProjectTemplates(server.serverSettings);
    expect(templates.map(t => t.id)).toEqual([
      'project-build-deploy',
      'project-build-only'
    ]);
    const query = server.calls('GET', 'gallery/templates')[0].query;
    expect(query.get('type')).toBe('project');
    expect(query.get('limit')).toBe('500');
  });
});

describe('ProjectsModel', () => {
  let server: ReturnType<typeof projectsServer>;
  let model: ProjectsModel;

  afterEach(() => {
    model.dispose();
  });

  it('lists projects by name and says who may create and delete', async () => {
    server = projectsServer([
      makeProject('zeta', { created_by: 'bob', space: 'lab' }),
      makeProject('alpha', { created_by: 'bob', space: 'team' }),
      makeProject('mine', { space: 'lab' })
    ]);
    model = new ProjectsModel({ serverSettings: server.serverSettings });
    await model.ready;
    expect(model.projects.map(p => p.name)).toEqual(['alpha', 'mine', 'zeta']);
    expect(model.canCreate).toBe(true);
    const spaces = new Map(
      SPACES.map(space => [space.name, validateSpace(copy(space))])
    );
    const [alpha, mine, zeta] = model.projects;
    // owner of team; creator of mine; neither for zeta (bob's, in lab)
    expect(model.canDelete(alpha, spaces.get('team'))).toBe(true);
    expect(model.canDelete(mine, spaces.get('lab'))).toBe(true);
    expect(model.canDelete(zeta, spaces.get('lab'))).toBe(false);
  });

  it('lets an admin delete any project and nobody without the permission', async () => {
    server = projectsServer([makeProject('zeta', { created_by: 'bob' })]);
    server.on('GET', 'me', 200, { ...PROJECTS_ME, is_admin: true });
    model = new ProjectsModel({ serverSettings: server.serverSettings });
    await model.ready;
    expect(model.canDelete(model.projects[0], undefined)).toBe(true);
    server.on('GET', 'me', 200, {
      ...PROJECTS_ME,
      permissions: ['projects:read']
    });
    await model.refresh();
    expect(model.canCreate).toBe(false);
    expect(model.canDelete(model.projects[0], undefined)).toBe(false);
  });

  it('polls quickly while a project is being created, then slows down', async () => {
    server = projectsServer([
      makeProject('churn', { status: 'CreateInProgress' })
    ]);
    model = new ProjectsModel({
      serverSettings: server.serverSettings,
      refreshInterval: 60000,
      busyRefreshInterval: 10
    });
    await model.ready;
    expect(isBusy(model.projects[0])).toBe(true);
    expect(model.isBusy).toBe(true);
    // several refreshes where the normal interval would make none
    await until(() => server.calls('GET', 'projects').length >= 4);

    server.on('GET', 'projects', 200, {
      items: [makeProject('churn')],
      next: null
    });
    await until(() => model.projects[0].status === 'CreateCompleted');
    expect(model.isBusy).toBe(false);
    const settled = server.calls('GET', 'projects').length;
    await sleep(100);
    expect(server.calls('GET', 'projects').length).toBe(settled);
  });

  it('creates a project, polling quickly while the server makes it', async () => {
    server = projectsServer([]);
    model = new ProjectsModel({
      serverSettings: server.serverSettings,
      refreshInterval: 60000,
      busyRefreshInterval: 10
    });
    await model.ready;
    expect(model.isBusy).toBe(false);
    // the server records the project at once and answers the POST when made
    const release = holdRequests(server, 'POST');
    server
      .on('POST', 'projects', 201, makeProject('fraud'))
      .on('GET', 'projects', 200, {
        items: [makeProject('fraud', { status: 'CreateInProgress' })],
        next: null
      });
    const creating = model.createProject({
      name: 'fraud',
      space: 'team',
      template: 'project-build-deploy'
    });
    expect(model.isBusy).toBe(true);
    await until(() => server.calls('GET', 'projects').length >= 4);
    expect(model.projects.map(p => [p.name, p.status])).toEqual([
      ['fraud', 'CreateInProgress']
    ]);

    server.on('GET', 'projects', 200, {
      items: [makeProject('fraud')],
      next: null
    });
    release();
    const project = await creating;
    expect(project.status).toBe('CreateCompleted');
    expect(model.projects.map(p => [p.name, p.status])).toEqual([
      ['fraud', 'CreateCompleted']
    ]);
    expect(model.isBusy).toBe(false);
    await model.refresh();
    const settled = server.calls('GET', 'projects').length;
    await sleep(100);
    expect(server.calls('GET', 'projects').length).toBe(settled);
  });

  it('keeps the list when a creation is refused', async () => {
    server = projectsServer();
    server.on('POST', 'projects', 403, {
      message: 'alice may not projects:create',
      reason: 'forbidden'
    });
    model = new ProjectsModel({ serverSettings: server.serverSettings });
    await model.ready;
    const error = await model
      .createProject({ name: 'x', space: 'library', template: 'p' })
      .then(unexpected, e => e);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(403);
    expect(model.isBusy).toBe(false);
    expect(model.projects.map(p => p.name)).toEqual(['churn']);
  });

  it('deletes a project and drops it from the list at once', async () => {
    server = projectsServer();
    server.on('DELETE', 'projects/churn', 200, makeProject());
    model = new ProjectsModel({ serverSettings: server.serverSettings });
    await model.ready;
    server.on('GET', 'projects', 200, { items: [], next: null });
    let changes = 0;
    model.changed.connect(() => changes++);
    await model.deleteProject('churn');
    expect(model.projects).toEqual([]);
    expect(changes).toBeGreaterThan(0);
  });
});
