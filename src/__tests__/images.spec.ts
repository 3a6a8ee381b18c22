import { StudioAPIError } from '../api';
import {
  buildEventsURL,
  cancelBuild,
  checkLayout,
  getBuildLogs,
  listBackends,
  listBuilds,
  startBuild
} from '../images/api';
import { BuildLog } from '../images/log';
import { ImageBuildsModel, imageName, spaceOfPath } from '../images/model';
import {
  buildArgProblem,
  repositoryProblem,
  tagProblem,
  validateBuild
} from '../images/validate';
import { FakeServer, unexpected } from './fakeserver';
import {
  BACKENDS,
  BUILD_ID,
  fakeEventSources,
  imagesServer,
  logLine,
  makeBuild
} from './imagesfakes';

/** Let pending promises and timers of 0 ms run. */
const tick = () => new Promise(resolve => setTimeout(resolve, 0));

describe('image build input checks', () => {
  it('accepts ECR repository names and refuses others', () => {
    for (const name of ['trainer', 'team/trainer', 'a.b_c-d/e', 'x1/y2/z3']) {
      expect(repositoryProblem(name)).toBeNull();
    }
    for (const name of [
      '',
      'Team/trainer',
      'team//trainer',
      '-trainer',
      'trainer-',
      'team/',
      'a'.repeat(257)
    ]) {
      expect(repositoryProblem(name)).not.toBeNull();
    }
    expect(repositoryProblem('a'.repeat(256))).toBeNull();
  });

  it('accepts tags of 1-128 characters not starting with . or -', () => {
    expect(tagProblem('latest')).toBeNull();
    expect(tagProblem('v1.2-rc_3')).toBeNull();
    expect(tagProblem('_x')).toBeNull();
    expect(tagProblem('a'.repeat(128))).toBeNull();
    for (const tag of ['', '.x', '-x', 'a'.repeat(129), 'a b', 'a:b']) {
      expect(tagProblem(tag)).not.toBeNull();
    }
  });

  it('accepts build argument names like shell variables', () => {
    expect(buildArgProblem('PYTHON_VERSION')).toBeNull();
    expect(buildArgProblem('_x1')).toBeNull();
    for (const name of ['', '1X', 'A-B', 'A B', 'a'.repeat(129)]) {
      expect(buildArgProblem(name)).not.toBeNull();
    }
  });
});

describe('image build answers', () => {
  it('normalizes the optional parts of a build', () => {
    const build = validateBuild({
      id: BUILD_ID,
      space: 'team',
      context: 'spaces/team/x',
      repository: 'r',
      tag: 't',
      status: 'Queued'
    });
    expect(build.phases).toEqual([]);
    expect(build.build_args).toEqual({});
    expect(build.image_uri).toBeNull();
    expect(build.cached_from).toBeNull();
  });

  it('refuses a build with an unknown status', () => {
    expect(() =>
      validateBuild(makeBuild(BUILD_ID, { status: 'Done' }))
    ).toThrow(/status/);
  });
});

describe('image build REST layer', () => {
  it('lists backends and builds, filtered by space', async () => {
    const server = imagesServer();
    expect(await listBackends(server.serverSettings)).toEqual(BACKENDS);
    const builds = await listBuilds('team', server.serverSettings);
    expect(builds.map(b => b.id)).toEqual([BUILD_ID]);
    expect(server.calls('GET', 'images/builds')[0].query.get('space')).toBe(
      'team'
    );
  });

  it('posts a build and answers the server errors with their reason', async () => {
    const server = imagesServer();
    server.on(
      'POST',
      'images/builds',
      201,
      makeBuild(BUILD_ID, { status: 'Queued' })
    );
    const build = await startBuild(
      { context: 'spaces/team/trainer', repository: 'team/trainer' },
      server.serverSettings
    );
    expect(build.status).toBe('Queued');
    expect(server.calls('POST', 'images/builds')[0].body).toEqual({
      context: 'spaces/team/trainer',
      repository: 'team/trainer'
    });
    server.on('POST', 'images/builds', 400, {
      message: 'the build context has no Dockerfile',
      reason: 'no-dockerfile'
    });
    const error = await startBuild(
      { context: 'spaces/team/empty', repository: 'x' },
      server.serverSettings
    ).then(unexpected, e => e);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(400);
    expect(error.reason).toBe('no-dockerfile');
  });

  it('cancels, reads log pages and checks layouts', async () => {
    const server = imagesServer();
    server
      .on(
        'POST',
        `images/builds/${BUILD_ID}/cancel`,
        200,
        makeBuild(BUILD_ID, { status: 'Stopped' })
      )
      .on('GET', `images/builds/${BUILD_ID}/logs`, 200, {
        build: BUILD_ID,
        status: 'InProgress',
        lines: [logLine(3, 'phase', 'BUILD')],
        next: 3,
        complete: false
      })
      .on('POST', 'images/check', 200, {
        mode: 'training',
        ok: false,
        findings: [
          { level: 'error', rule: 'train-entry', message: 'no train', line: 4 }
        ]
      });
    expect((await cancelBuild(BUILD_ID, server.serverSettings)).status).toBe(
      'Stopped'
    );
    const page = await getBuildLogs(BUILD_ID, 2, server.serverSettings);
    expect(page.lines[0].text).toBe('BUILD');
    expect(
      server
        .calls('GET', `images/builds/${BUILD_ID}/logs`)[0]
        .query.get('after')
    ).toBe('2');
    const check = await checkLayout(
      { dockerfile: 'spaces/team/trainer/Dockerfile', mode: 'training' },
      server.serverSettings
    );
    expect(check.findings[0].line).toBe(4);
  });

  it('builds the event stream URL, with the token only when it is appended', () => {
    const server = new FakeServer();
    expect(buildEventsURL(BUILD_ID, 5, server.serverSettings)).toBe(
      `http://localhost:8888/studio-base/mlops-studio/api/v1/images/builds/${BUILD_ID}/events?after=5`
    );
    const settings = { ...server.serverSettings, appendToken: true };
    expect(buildEventsURL(BUILD_ID, 0, settings)).toMatch(
      /events\?token=secret-token$/
    );
    // from the start, a reconnecting EventSource resumes from Last-Event-ID
    expect(buildEventsURL(BUILD_ID, 0, server.serverSettings)).toMatch(
      /\/events$/
    );
  });
});

describe('BuildLog', () => {
  it('follows the event stream in order, drops repeated lines and ends', async () => {
    const server = imagesServer();
    const sources = fakeEventSources();
    const log = new BuildLog({
      id: BUILD_ID,
      status: 'Queued',
      serverSettings: server.serverSettings,
      eventSource: sources.factory
    });
    const source = sources.opened[0];
    expect(source.url).toMatch(/\/events$/);
    let changes = 0;
    log.changed.connect(() => changes++);
    source.emit('status', { text: 'InProgress', at: 'x' }, 1);
    source.emit('phase', { text: 'PACKAGE', at: 'x' }, 2);
    source.emit('line', { text: 'packaged 3 files', at: 'x' }, 3);
    source.emit('line', { text: 'packaged 3 files', at: 'x' }, 3);
    expect(log.status).toBe('InProgress');
    expect(log.lines.map(l => [l.seq, l.kind, l.text])).toEqual([
      [1, 'status', 'InProgress'],
      [2, 'phase', 'PACKAGE'],
      [3, 'line', 'packaged 3 files']
    ]);
    expect(log.complete).toBe(false);
    source.emit('status', { text: 'Succeeded', at: 'x' }, 4);
    source.emit('end', { status: 'Succeeded' });
    expect(log.complete).toBe(true);
    expect(log.status).toBe('Succeeded');
    expect(source.closed).toBe(true);
    expect(changes).toBe(5);
    log.dispose();
  });

  it('polls the logs route when the stream is refused', async () => {
    const server = imagesServer();
    const sources = fakeEventSources();
    server.routes[`GET images/builds/${BUILD_ID}/logs`] = request => {
      const after = Number(request.query.get('after'));
      return after < 2
        ? {
            status: 200,
            body: {
              build: BUILD_ID,
              status: 'Succeeded',
              lines: [
                logLine(2, 'line', 'pushed'),
                logLine(3, 'status', 'Succeeded')
              ],
              next: 3,
              complete: true
            }
          }
        : { status: 500, body: { message: 'no' } };
    };
    const log = new BuildLog({
      id: BUILD_ID,
      serverSettings: server.serverSettings,
      eventSource: sources.factory,
      pollInterval: 1
    });
    sources.opened[0].emit('line', { text: 'first', at: 'x' }, 1);
    sources.opened[0].fail(false); // the browser reconnects by itself
    expect(server.calls('GET', `images/builds/${BUILD_ID}/logs`)).toHaveLength(
      0
    );
    sources.opened[0].fail(true);
    await tick();
    await tick();
    expect(log.lines.map(l => l.text)).toEqual([
      'first',
      'pushed',
      'Succeeded'
    ]);
    expect(log.complete).toBe(true);
    expect(log.status).toBe('Succeeded');
    expect(
      server
        .calls('GET', `images/builds/${BUILD_ID}/logs`)[0]
        .query.get('after')
    ).toBe('1');
    log.dispose();
  });

  it('stops polling on a client error and keeps it', async () => {
    const server = imagesServer();
    server.on('GET', `images/builds/${BUILD_ID}/logs`, 404, {
      message: 'no build',
      reason: 'build-not-found'
    });
    const log = new BuildLog({
      id: BUILD_ID,
      serverSettings: server.serverSettings,
      eventSource: null,
      pollInterval: 1
    });
    await tick();
    await tick();
    await tick();
    expect(log.error?.reason).toBe('build-not-found');
    expect(server.calls('GET', `images/builds/${BUILD_ID}/logs`)).toHaveLength(
      1
    );
    log.dispose();
  });
});

describe('ImageBuildsModel', () => {
  it('lists builds newest first and follows the one started', async () => {
    const older = makeBuild('b'.repeat(32), {
      status: 'Succeeded',
      created_at: '2026-02-01T00:00:00+00:00'
    });
    const server = imagesServer([older, makeBuild()]);
    const sources = fakeEventSources();
    const model = new ImageBuildsModel({
      serverSettings: server.serverSettings,
      eventSource: sources.factory
    });
    await model.ready;
    expect(model.builds.map(b => b.id)).toEqual([BUILD_ID, 'b'.repeat(32)]);
    expect(model.canBuild).toBe(true);

    const fresh = makeBuild('c'.repeat(32), {
      status: 'Queued',
      created_at: '2026-03-02T00:00:00+00:00'
    });
    server.on('POST', 'images/builds', 201, fresh);
    const build = await model.startBuild({
      context: 'spaces/team/trainer',
      repository: 'team/trainer'
    });
    expect(build.id).toBe('c'.repeat(32));
    expect(model.selected).toBe(build.id);
    expect(model.builds[0].id).toBe(build.id);
    expect(model.log?.status).toBe('Queued');
    expect(sources.opened[0].url).toContain(`/builds/${'c'.repeat(32)}/events`);

    // a status change in the log refreshes the builds
    const before = server.calls('GET', 'images/builds').length;
    sources.opened[0].emit('status', { text: 'InProgress', at: 'x' }, 1);
    await tick();
    expect(server.calls('GET', 'images/builds').length).toBeGreaterThan(before);

    model.select(null);
    expect(sources.opened[0].closed).toBe(true);
    expect(model.log).toBeNull();
    model.dispose();
  });

  it('cancels a build and keeps its new status', async () => {
    const server = imagesServer();
    server.on(
      'POST',
      `images/builds/${BUILD_ID}/cancel`,
      200,
      makeBuild(BUILD_ID, { status: 'Stopped' })
    );
    const model = new ImageBuildsModel({
      serverSettings: server.serverSettings,
      eventSource: null
    });
    await model.ready;
    await model.cancel(model.builds[0]);
    expect(model.builds[0].status).toBe('Stopped');
    model.dispose();
  });

  it('names images and finds the space of a path', () => {
    expect(imageName({ repository: 'team/x', tag: 'v1' })).toBe('team/x:v1');
    expect(spaceOfPath('spaces/team/trainer')).toBe('team');
    expect(spaceOfPath('/spaces/team')).toBe('team');
    expect(spaceOfPath('notebooks/x')).toBeNull();
    expect(spaceOfPath('spaces')).toBeNull();
  });
});
