import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { act } from 'react';

import { StudioModel } from '../model';
import type { IProject } from '../projects/api';
import { ProjectsModel, projectSpaces } from '../projects/model';
import {
  NewProjectDialog,
  ProjectsDialog,
  ProjectsView
} from '../projects/widgets';
import {
  buttonByText,
  byLabel,
  click,
  dialogNamed,
  flush,
  MountedView,
  mountView,
  queryButton,
  setValue,
  TestRoot
} from './dom';
import type { FakeServer } from './fakeserver';
import {
  holdRequests,
  makeProject,
  projectsServer,
  PROJECTS_ME
} from './projectsfakes';

async function typeIn(
  element: HTMLInputElement | HTMLSelectElement,
  value: string
): Promise<void> {
  await act(async () => setValue(element, value));
}

/** The option texts of a select. */
function optionTexts(select: HTMLSelectElement): string[] {
  return Array.from(select.options).map(option => option.textContent ?? '');
}

describe('ProjectsView', () => {
  let server: FakeServer;
  let model: ProjectsModel;
  let studio: StudioModel;
  let view: MountedView<ProjectsDialog>;
  let opened: string[];

  const mount = async () => {
    model = new ProjectsModel({ serverSettings: server.serverSettings });
    studio = new StudioModel({ serverSettings: server.serverSettings });
    await Promise.all([model.ready, studio.ready]);
    opened = [];
    // Re-rendered on the model's changes as the section widget does.
    view = await mountView<ProjectsDialog>((dialog, onDialog) => (
      <UseSignal signal={model.changed} initialSender={model}>
        {() => (
          <ProjectsView
            model={model}
            studio={studio}
            dialog={dialog}
            onDialog={onDialog}
            onOpenRepository={(project: IProject) =>
              opened.push(`repository ${project.repository}`)
            }
            onOpenModelGroup={(project: IProject) =>
              opened.push(`group ${project.model_group}`)
            }
          />
        )}
      </UseSignal>
    ));
  };

  beforeEach(async () => {
    server = projectsServer([
      makeProject('churn'),
      makeProject('fraud', {
        status: 'CreateInProgress',
        space: 'lab',
        created_by: 'bob',
        template: 'project-build-only'
      })
    ]);
    await mount();
  });

  afterEach(() => {
    view.dispose();
    model.dispose();
    studio.dispose();
  });

  const item = (name: string) =>
    view.container.querySelector<HTMLElement>(
      `[aria-label="Project ${name}"]`
    )!;
  const field = (element: HTMLElement, name: string) =>
    element.querySelector(`[data-field="${name}"]`)!.textContent;

  it('lists the projects with status, template, space, creator and time', () => {
    const churn = item('churn');
    expect(churn.querySelector('[data-status]')!.textContent).toBe(
      'CreateCompleted'
    );
    expect(field(churn, 'template')).toBe('project-build-deploy');
    expect(field(churn, 'space')).toBe('team');
    expect(field(churn, 'creator')).toBe('by alice');
    expect(churn.querySelector('time')!.getAttribute('dateTime')).toBe(
      '2026-03-01T10:00:00+00:00'
    );
    const fraud = item('fraud');
    expect(fraud.querySelector('[data-status]')!.textContent).toBe(
      'CreateInProgress'
    );
    expect(field(fraud, 'creator')).toBe('by bob');
  });

  it('opens the repository and the model group of a completed project', async () => {
    await click(byLabel(item('churn'), 'Open repository of churn'));
    await click(byLabel(item('churn'), 'Model group of churn'));
    expect(opened).toEqual([
      'repository spaces/team/churn',
      'group churn-pppppppp'
    ]);
    // not while it is being created
    const fraud = item('fraud');
    expect(
      byLabel<HTMLButtonElement>(fraud, 'Open repository of fraud').disabled
    ).toBe(true);
    expect(
      byLabel<HTMLButtonElement>(fraud, 'Model group of fraud').disabled
    ).toBe(true);
  });

  it('offers Delete… to the creator or a space owner only', () => {
    // alice created churn; bob created fraud in lab, where alice is an editor
    expect(queryButton(item('churn'), 'Delete…')).not.toBeNull();
    expect(queryButton(item('fraud'), 'Delete…')).toBeNull();
  });

  it('deletes a project after its name is typed, saying what is archived', async () => {
    server.on('DELETE', 'projects/churn', 200, makeProject());
    await click(buttonByText(item('churn'), 'Delete…'));
    const dialog = dialogNamed('Delete project churn')!;
    expect(dialog.textContent).toContain(
      'The repository spaces/team/churn moves to the studio’s archive'
    );
    expect(dialog.textContent).toContain(
      'churn-pppppppp and its versions stay'
    );
    const submit = buttonByText(dialog, 'Delete project');
    expect(submit.disabled).toBe(true);
    await typeIn(byLabel(dialog, 'Type churn to confirm'), 'churn');
    expect(submit.disabled).toBe(false);
    server.on('GET', 'projects', 200, {
      items: [makeProject('fraud', { space: 'lab', created_by: 'bob' })],
      next: null
    });
    await click(submit);
    await flush();
    expect(server.calls('DELETE', 'projects/churn')[0].body).toEqual({
      confirm: 'churn'
    });
    expect(dialogNamed('Delete project churn')).toBeNull();
    expect(item('churn')).toBeNull();
  });

  it('shows New project… only to users who may create projects', async () => {
    expect(queryButton(view.container, 'New project…')).not.toBeNull();
    view.dispose();
    model.dispose();
    studio.dispose();
    server.on('GET', 'me', 200, { ...PROJECTS_ME, permissions: [] });
    await mount();
    expect(queryButton(view.container, 'New project…')).toBeNull();
  });

  it('opens the New project dialog from its button', async () => {
    await click(buttonByText(view.container, 'New project…'));
    await flush();
    const dialog = dialogNamed('New project')!;
    expect(dialog).not.toBeNull();
    // the shared spaces alice edits or owns, by name
    expect(optionTexts(byLabel(dialog, 'Space'))).toEqual(['lab', 'team']);
  });
});

describe('NewProjectDialog', () => {
  let server: FakeServer;
  let model: ProjectsModel;
  let studio: StudioModel;
  let root: TestRoot;
  let closed: number;
  let created: IProject[];

  const render = async () => {
    await root.render(
      <NewProjectDialog
        model={model}
        spaces={projectSpaces(studio.spaces, false)}
        onCreated={project => created.push(project)}
        onClose={() => closed++}
      />
    );
    await flush();
    await flush();
  };

  beforeEach(async () => {
    server = projectsServer();
    model = new ProjectsModel({ serverSettings: server.serverSettings });
    studio = new StudioModel({ serverSettings: server.serverSettings });
    await Promise.all([model.ready, studio.ready]);
    root = new TestRoot();
    closed = 0;
    created = [];
    await render();
  });

  afterEach(() => {
    root.dispose();
    model.dispose();
    studio.dispose();
  });

  const dialog = () => dialogNamed('New project')!;
  const submitButton = () =>
    dialog().querySelector<HTMLButtonElement>('[type="submit"]')!;

  it('offers the project templates and the first one’s parameters with their defaults', () => {
    const template = byLabel<HTMLSelectElement>(dialog(), 'Template');
    expect(optionTexts(template)).toEqual([
      'MLOps project: model build + deploy',
      'MLOps project: model build only'
    ]);
    expect(template.value).toBe('project-build-deploy');
    expect(dialog().textContent).toContain(
      'The MLOps project: model build + deploy seed repository.'
    );
    expect(
      byLabel<HTMLInputElement>(dialog(), 'min_accuracy (number)').value
    ).toBe('0.9');
    expect(
      byLabel<HTMLInputElement>(dialog(), 'max_iter (integer)').value
    ).toBe('500');
    expect(dialog().textContent).toContain(
      'The accuracy a version needs to pass the quality gate'
    );
  });

  it('says what the server would refuse before sending', async () => {
    expect(submitButton().disabled).toBe(true);
    await typeIn(byLabel(dialog(), 'Project name'), 'my_churn');
    expect(dialog().textContent).toContain(
      "Letters, digits and '-', starting and ending with a letter or digit."
    );
    expect(submitButton().disabled).toBe(true);
    await typeIn(byLabel(dialog(), 'Project name'), 'a'.repeat(46));
    expect(dialog().textContent).toContain(
      'A project name has at most 45 characters.'
    );
    await typeIn(byLabel(dialog(), 'Project name'), 'churn-2');
    expect(submitButton().disabled).toBe(false);
    await typeIn(byLabel(dialog(), 'max_iter (integer)'), '1.5');
    expect(dialog().textContent).toContain('max_iter must be a whole number.');
    expect(submitButton().disabled).toBe(true);
    await typeIn(byLabel(dialog(), 'max_iter (integer)'), '200');
    await typeIn(byLabel(dialog(), 'min_accuracy (number)'), 'high');
    expect(dialog().textContent).toContain('min_accuracy must be a number.');
    expect(submitButton().disabled).toBe(true);
    expect(server.calls('POST', 'projects')).toHaveLength(0);
  });

  it('posts the project with typed parameter values, and closes', async () => {
    server.on(
      'POST',
      'projects',
      201,
      makeProject('churn-2', { space: 'lab' })
    );
    await typeIn(byLabel(dialog(), 'Project name'), 'churn-2');
    await typeIn(byLabel(dialog(), 'Space'), 'team');
    await typeIn(byLabel(dialog(), 'min_accuracy (number)'), '0.75');
    await typeIn(byLabel(dialog(), 'max_iter (integer)'), '200');
    await click(submitButton());
    expect(server.calls('POST', 'projects')[0].body).toEqual({
      name: 'churn-2',
      space: 'team',
      template: 'project-build-deploy',
      parameters: { min_accuracy: 0.75, max_iter: 200 }
    });
    expect(created.map(p => p.name)).toEqual(['churn-2']);
    expect(closed).toBe(1);
  });

  it('shows another template’s parameters: a text and a checkbox', async () => {
    await typeIn(byLabel(dialog(), 'Template'), 'project-build-only');
    await flush();
    expect(
      server.calls('GET', 'gallery/templates/project-build-only')
    ).toHaveLength(1);
    expect(() => byLabel(dialog(), 'max_iter (integer)')).toThrow();
    await typeIn(byLabel(dialog(), 'Project name'), 'fraud');
    await typeIn(byLabel(dialog(), 'dataset (string)'), 'iris');
    const verbose = dialog().querySelector<HTMLInputElement>(
      'input[type="checkbox"][name="verbose"]'
    )!;
    expect(verbose.checked).toBe(true);
    await act(async () => verbose.click());
    server.on('POST', 'projects', 201, makeProject('fraud'));
    await click(submitButton());
    expect(server.calls('POST', 'projects')[0].body).toEqual({
      name: 'fraud',
      space: 'lab',
      template: 'project-build-only',
      parameters: { dataset: 'iris', verbose: false }
    });
  });

  it('shows a name clash inline and stays open', async () => {
    server.on('POST', 'projects', 409, {
      message: "project 'churn' exists",
      reason: 'project-exists'
    });
    await typeIn(byLabel(dialog(), 'Project name'), 'churn');
    await click(submitButton());
    const alert = dialog().querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe("project 'churn' exists");
    expect(alert.getAttribute('data-reason')).toBe('project-exists');
    expect(closed).toBe(0);
    expect(created).toEqual([]);
  });

  it('shows a refusal to write the space inline', async () => {
    server.on('POST', 'projects', 403, {
      message: 'alice may not projects:create',
      reason: 'forbidden'
    });
    await typeIn(byLabel(dialog(), 'Project name'), 'churn-3');
    await click(submitButton());
    expect(
      dialog().querySelector('[role="alert"]')!.getAttribute('data-reason')
    ).toBe('forbidden');
    expect(closed).toBe(0);
  });

  it('keeps the dialog busy while the server creates the project', async () => {
    const release = holdRequests(server, 'POST');
    server.on('POST', 'projects', 201, makeProject('slow'));
    await typeIn(byLabel(dialog(), 'Project name'), 'slow');
    await click(submitButton());
    expect(submitButton().disabled).toBe(true);
    expect(closed).toBe(0);
    release();
    await flush();
    await flush();
    expect(closed).toBe(1);
  });

  it('says when there is no shared space to create a project in', async () => {
    await root.render(
      <NewProjectDialog model={model} spaces={[]} onClose={() => closed++} />
    );
    await flush();
    await typeIn(byLabel(dialog(), 'Project name'), 'churn');
    expect(dialog().textContent).toContain('No shared space you can write to');
    expect(submitButton().disabled).toBe(true);
  });

  it('shows why the templates could not be loaded', async () => {
    root.dispose();
    root = new TestRoot();
    server.on('GET', 'gallery/templates', 500, {
      message: 'the gallery is unavailable',
      reason: 'internal'
    });
    await render();
    expect(dialog().querySelector('[role="alert"]')!.textContent).toBe(
      'the gallery is unavailable'
    );
    expect(submitButton().disabled).toBe(true);
  });
});
