import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { act } from 'react';

import { ImageBuildsModel } from '../images/model';
import {
  buildArgsOf,
  BuildDialog,
  BuildsDialog,
  BuildsView,
  durationText,
  logSections
} from '../images/widgets';
import {
  buttonByText,
  byLabel,
  click,
  dialogNamed,
  flush,
  mountView,
  MountedView,
  queryButton,
  setValue,
  TestRoot
} from './dom';
import {
  BUILD_ID,
  fakeEventSources,
  imagesServer,
  logLine,
  makeBuild
} from './imagesfakes';
import type { FakeServer } from './fakeserver';
import type { ILogLine } from '../images/api';

const CONTEXT = 'spaces/team/trainer';

async function typeIn(
  element: HTMLInputElement | HTMLSelectElement,
  value: string
): Promise<void> {
  await act(async () => setValue(element, value));
}

function checkbox(root: ParentNode, text: string): HTMLInputElement {
  for (const label of Array.from(root.querySelectorAll('label'))) {
    if (label.textContent?.includes(text)) {
      return label.querySelector('input[type="checkbox"]')!;
    }
  }
  throw new Error(`No checkbox ${text}`);
}

describe('buildArgsOf', () => {
  it('keeps named rows, skips empty ones and refuses bad or repeated names', () => {
    expect(
      buildArgsOf([
        { key: ' PY ', value: '3.11' },
        { key: '', value: '' }
      ])
    ).toEqual({ values: { PY: '3.11' } });
    expect(buildArgsOf([{ key: '1X', value: 'a' }])).toHaveProperty('error');
    expect(buildArgsOf([{ key: '', value: 'a' }])).toHaveProperty('error');
    expect(
      buildArgsOf([
        { key: 'A', value: '1' },
        { key: 'A', value: '2' }
      ])
    ).toEqual({ error: 'The build argument A is given twice.' });
  });
});

describe('logSections and durationText', () => {
  it('groups lines under their phase', () => {
    const lines = [
      logLine(1, 'status', 'InProgress'),
      logLine(2, 'phase', 'PACKAGE'),
      logLine(3, 'line', 'packaged'),
      logLine(4, 'phase', 'BUILD')
    ] as unknown as ILogLine[];
    const sections = logSections(lines);
    expect(sections.map(s => [s.phase?.text ?? null, s.lines.length])).toEqual([
      [null, 1],
      ['PACKAGE', 1],
      ['BUILD', 0]
    ]);
  });

  it('says how long a build took', () => {
    expect(durationText({ started_at: null, ended_at: null })).toBeNull();
    expect(
      durationText({
        started_at: '2026-03-01T10:00:00Z',
        ended_at: '2026-03-01T10:01:05Z'
      })
    ).toBe('1 min 5 s');
    expect(
      durationText(
        { started_at: '2026-03-01T10:00:00Z', ended_at: null },
        Date.parse('2026-03-01T10:00:09Z')
      )
    ).toBe('9 s');
  });
});

describe('BuildDialog', () => {
  let server: FakeServer;
  let model: ImageBuildsModel;
  let root: TestRoot;
  let closed: number;

  beforeEach(async () => {
    server = imagesServer();
    model = new ImageBuildsModel({
      serverSettings: server.serverSettings,
      eventSource: null
    });
    await model.ready;
    root = new TestRoot();
    closed = 0;
    await root.render(
      <BuildDialog model={model} context={CONTEXT} onClose={() => closed++} />
    );
    await flush();
  });

  afterEach(() => {
    root.dispose();
    model.dispose();
  });

  const dialog = () => dialogNamed('Build image from trainer')!;
  const submitButton = () =>
    dialog().querySelector<HTMLButtonElement>('[type="submit"]')!;

  it('offers the backends, the unavailable one disabled with its problem', () => {
    const select = byLabel<HTMLSelectElement>(dialog(), 'Backend');
    expect(select.value).toBe('codebuild');
    const docker = select.querySelector<HTMLOptionElement>(
      'option[value="docker"]'
    )!;
    expect(docker.disabled).toBe(true);
    expect(docker.textContent).toContain('no docker or podman engine answers');
    expect(dialog().textContent).toContain(
      'docker is unavailable: no docker or podman engine answers'
    );
    // the CodeBuild options are offered
    for (const label of ['Role ARN', 'S3 bucket', 'Compute type']) {
      expect(byLabel(dialog(), label)).toBeTruthy();
    }
    expect(byLabel<HTMLInputElement>(dialog(), 'Tag').value).toBe('latest');
    expect(byLabel<HTMLInputElement>(dialog(), 'Dockerfile').value).toBe(
      'Dockerfile'
    );
  });

  it('says what the server would refuse before sending', async () => {
    expect(submitButton().disabled).toBe(true);
    await typeIn(byLabel(dialog(), 'Repository'), 'Team/Trainer');
    expect(dialog().textContent).toContain('Lowercase letters and digits');
    expect(submitButton().disabled).toBe(true);
    await typeIn(byLabel(dialog(), 'Repository'), 'team/trainer');
    await typeIn(byLabel(dialog(), 'Tag'), '-bad');
    expect(dialog().textContent).toContain("not starting with '.' or '-'");
    await typeIn(byLabel(dialog(), 'Tag'), 'v1');
    await click(buttonByText(dialog(), 'Add build argument'));
    await typeIn(byLabel(dialog(), 'Build argument 1 name'), 'BAD-NAME');
    expect(dialog().textContent).toContain(
      "'BAD-NAME' is not a build argument name"
    );
    expect(submitButton().disabled).toBe(true);
    await click(byLabel(dialog(), 'Remove build argument 1'));
    expect(submitButton().disabled).toBe(false);
    expect(server.calls('POST', 'images/builds')).toHaveLength(0);
  });

  it('posts the build with its arguments and options, and closes', async () => {
    server.on(
      'POST',
      'images/builds',
      201,
      makeBuild(BUILD_ID, { status: 'Queued' })
    );
    await typeIn(byLabel(dialog(), 'Repository'), 'team/trainer');
    await typeIn(byLabel(dialog(), 'Dockerfile'), 'docker/Dockerfile.train');
    await click(buttonByText(dialog(), 'Add build argument'));
    await typeIn(byLabel(dialog(), 'Build argument 1 name'), 'PY');
    await typeIn(byLabel(dialog(), 'Build argument 1 value'), '3.11');
    await typeIn(byLabel(dialog(), 'S3 bucket'), 'my-bucket');
    await typeIn(byLabel(dialog(), 'SageMaker layout'), 'training');
    await act(async () => checkbox(dialog(), 'Rebuild even if cached').click());
    await click(submitButton());
    expect(server.calls('POST', 'images/builds')[0].body).toEqual({
      context: CONTEXT,
      dockerfile: 'docker/Dockerfile.train',
      repository: 'team/trainer',
      tag: 'latest',
      build_args: { PY: '3.11' },
      backend: 'codebuild',
      options: { bucket: 'my-bucket' },
      rebuild: true,
      layout: 'training'
    });
    expect(closed).toBe(1);
    expect(model.selected).toBe(BUILD_ID);
  });

  it('shows the server refusal inline and stays open', async () => {
    server.on('POST', 'images/builds', 400, {
      message: "the build context has no 'Dockerfile'",
      reason: 'no-dockerfile'
    });
    await typeIn(byLabel(dialog(), 'Repository'), 'team/trainer');
    await click(submitButton());
    const alert = dialog().querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe("the build context has no 'Dockerfile'");
    expect(alert.getAttribute('data-reason')).toBe('no-dockerfile');
    expect(closed).toBe(0);
  });

  it('checks the layout and lists the findings with their line', async () => {
    server.on('POST', 'images/check', 200, {
      mode: 'training',
      ok: false,
      findings: [
        {
          level: 'error',
          rule: 'train-entry-point',
          message: 'no train entry point',
          line: 7
        },
        {
          level: 'warning',
          rule: 'code-dir',
          message: 'no /opt/ml/code',
          line: null
        }
      ]
    });
    expect(buttonByText(dialog(), 'Check layout').disabled).toBe(true);
    await typeIn(byLabel(dialog(), 'SageMaker layout'), 'training');
    await click(buttonByText(dialog(), 'Check layout'));
    expect(server.calls('POST', 'images/check')[0].body).toEqual({
      dockerfile: `${CONTEXT}/Dockerfile`,
      mode: 'training'
    });
    const findings = byLabel(dialog(), 'Layout findings (training)');
    const items = findings.querySelectorAll('li');
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toBe(
      'error Dockerfile line 7: no train entry point'
    );
    expect(items[1].getAttribute('data-level')).toBe('warning');
  });
});

describe('BuildsView', () => {
  let server: FakeServer;
  let model: ImageBuildsModel;
  let view: MountedView<BuildsDialog>;
  let copied: string[];
  let sources: ReturnType<typeof fakeEventSources>;

  beforeEach(async () => {
    server = imagesServer([
      makeBuild(),
      makeBuild('b'.repeat(32), {
        status: 'Succeeded',
        tag: 'v1',
        image_uri:
          '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/trainer:v1',
        cached_from: 'c'.repeat(32),
        created_at: '2026-02-01T00:00:00+00:00',
        ended_at: '2026-03-01T10:00:01+00:00'
      })
    ]);
    sources = fakeEventSources();
    model = new ImageBuildsModel({
      serverSettings: server.serverSettings,
      eventSource: sources.factory
    });
    await model.ready;
    copied = [];
    // Re-rendered on the model's changes as the section widget does.
    view = await mountView<BuildsDialog>((dialog, onDialog) => (
      <UseSignal signal={model.changed} initialSender={model}>
        {() => (
          <BuildsView
            model={model}
            dialog={dialog}
            onDialog={onDialog}
            copy={async text => {
              copied.push(text);
            }}
          />
        )}
      </UseSignal>
    ));
  });

  afterEach(() => {
    view.dispose();
    model.dispose();
  });

  const item = (name: string) =>
    view.container.querySelector<HTMLElement>(`[aria-label="Build ${name}"]`)!;

  it('lists the builds with status, space, cache marker and actions', () => {
    const running = item('team/trainer:latest');
    expect(running.querySelector('[data-status]')!.textContent).toBe(
      'InProgress'
    );
    expect(running.querySelector('[data-field="space"]')!.textContent).toBe(
      'team'
    );
    expect(running.querySelector('[data-field="cached"]')).toBeNull();
    expect(queryButton(running, 'Cancel…')).not.toBeNull();
    expect(queryButton(running, 'Copy image URI')).toBeNull();
    const done = item('team/trainer:v1');
    expect(done.querySelector('[data-field="cached"]')!.textContent).toBe(
      'cached'
    );
    expect(queryButton(done, 'Cancel…')).toBeNull();
  });

  it('copies an image URI', async () => {
    await click(buttonByText(item('team/trainer:v1'), 'Copy image URI'));
    expect(copied).toEqual([
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/trainer:v1'
    ]);
    expect(item('team/trainer:v1').textContent).toContain('Image URI copied.');
  });

  it('shows the live log with phases as headings and the final status', async () => {
    await click(buttonByText(item('team/trainer:latest'), 'Log'));
    const source = sources.opened[0];
    await act(async () => {
      source.emit('phase', { text: 'PACKAGE', at: 'x' }, 1);
      source.emit('line', { text: 'packaged 2 files', at: 'x' }, 2);
      source.emit('phase', { text: 'BUILD', at: 'x' }, 3);
      source.emit('line', { text: 'Step 1/2 : FROM scratch', at: 'x' }, 4);
    });
    await flush();
    const pane = byLabel(view.container, 'Build log of team/trainer:latest');
    expect(
      Array.from(pane.querySelectorAll('h4')).map(h => h.textContent)
    ).toEqual(['PACKAGE', 'BUILD']);
    expect(pane.textContent).toContain('Step 1/2 : FROM scratch');
    expect(pane.getAttribute('aria-busy')).toBe('true');
    expect(view.container.querySelector('.jp-MlopsStudio-logEnd')).toBeNull();

    server.on('GET', 'images/builds', 200, {
      items: [
        makeBuild(BUILD_ID, { status: 'Succeeded', image_uri: 'uri:latest' })
      ],
      next: null
    });
    await act(async () => {
      source.emit('status', { text: 'Succeeded', at: 'x' }, 5);
      source.emit('end', { status: 'Succeeded' });
    });
    await flush();
    await flush();
    const end = view.container.querySelector('.jp-MlopsStudio-logEnd')!;
    expect(end.textContent).toBe('Build Succeeded.');
    expect(
      item('team/trainer:latest').querySelector('[data-status]')!.textContent
    ).toBe('Succeeded');

    await click(buttonByText(item('team/trainer:latest'), 'Hide log'));
    expect(source.closed).toBe(true);
  });

  it('cancels a running build after a confirmation', async () => {
    server.on(
      'POST',
      `images/builds/${BUILD_ID}/cancel`,
      200,
      makeBuild(BUILD_ID, { status: 'Stopped' })
    );
    await click(buttonByText(item('team/trainer:latest'), 'Cancel…'));
    const dialog = dialogNamed('Cancel build of team/trainer:latest')!;
    await click(buttonByText(dialog, 'Cancel build'));
    await flush();
    expect(
      server.calls('POST', `images/builds/${BUILD_ID}/cancel`)
    ).toHaveLength(1);
    expect(dialogNamed('Cancel build of team/trainer:latest')).toBeNull();
  });
});
