import * as React from 'react';
import { act } from 'react';

import type { IRegistryVersion } from '../registry/api';
import { RegistryModel } from '../registry/model';
import { chartPoints, MetricChart } from '../registry/widgets/chart';
import { RegistryDialog, RegistryView } from '../registry/widgets/panel';
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
import { FakeServer } from './fakeserver';
import {
  makeAudit,
  makeGroup,
  makeVersion,
  REGISTRY_ME,
  registryServer
} from './registryfakes';

describe('MetricChart', () => {
  const versions = [
    makeVersion('churn', 3),
    makeVersion('churn', 2),
    makeVersion('churn', 1, { metrics: { loss: 0.6 } })
  ] as unknown as IRegistryVersion[];

  it('computes one point per version with the metric, by version', () => {
    expect(chartPoints(versions, 'accuracy').map(p => p.version)).toEqual([
      2, 3
    ]);
    expect(chartPoints(versions, 'loss').map(p => p.version)).toEqual([
      1, 2, 3
    ]);
  });

  it('renders an accessible SVG with one titled point per version', async () => {
    const root = new TestRoot();
    await root.render(<MetricChart versions={versions} metric="loss" />);
    const svg = root.container.querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('loss by version');
    const points = Array.from(svg.querySelectorAll('circle'));
    expect(points.map(p => p.getAttribute('data-version'))).toEqual([
      '1',
      '2',
      '3'
    ]);
    expect(points[0].querySelector('title')?.textContent).toBe(
      'Version 1: loss = 0.6'
    );
    expect(svg.querySelector('path')?.getAttribute('d')).toMatch(
      /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/
    );
    expect(svg.textContent).toContain('Version');
    root.dispose();
  });

  it('says so when no version recorded the metric', async () => {
    const root = new TestRoot();
    await root.render(<MetricChart versions={versions} metric="f1" />);
    expect(root.container.querySelector('svg')).toBeNull();
    expect(root.container.textContent).toContain('No version recorded f1');
    root.dispose();
  });
});

describe('RegistryView', () => {
  let model: RegistryModel;
  let view: MountedView<RegistryDialog>;
  let container: HTMLElement;
  let opened: string[];

  const setup = async (server: FakeServer = registryServer()) => {
    model = new RegistryModel({ serverSettings: server.serverSettings });
    await model.ready;
    opened = [];
    view = await mountView<RegistryDialog>((dialog, onDialog) => (
      <RegistryView
        model={model}
        dialog={dialog}
        onDialog={onDialog}
        onOpenNotebook={path => opened.push(path)}
      />
    ));
    container = view.container;
    model.changed.connect(() => void view.update());
    return server;
  };

  const selectGroup = async (name: string) => {
    const item = byLabel(byLabel(container, 'Model groups'), name);
    await click(item.querySelector('button')!);
  };

  const selectVersion = async (version: number) => {
    await click(byLabel(container, `Version ${version}`));
  };

  afterEach(() => {
    view.dispose();
    model.dispose();
  });

  it('lists the groups and filters them by name', async () => {
    await setup();
    const list = byLabel(container, 'Model groups');
    const items = Array.from(list.querySelectorAll('li')).map(li =>
      li.getAttribute('aria-label')
    );
    expect(items).toEqual(['churn', 'fraud']);
    expect(byLabel(list, 'churn').textContent).toContain('latest v3');
    expect(byLabel(list, 'churn').textContent).toContain('The churn models');
    expect(byLabel(list, 'fraud').textContent).toContain('no versions');

    await act(async () => {
      setValue(byLabel(container, 'Search model groups'), 'chu');
    });
    expect(
      Array.from(byLabel(container, 'Model groups').querySelectorAll('li')).map(
        li => li.getAttribute('aria-label')
      )
    ).toEqual(['churn']);
  });

  it('shows the versions table, one column per metric, and the chart', async () => {
    await setup();
    await selectGroup('churn');
    const table = byLabel<HTMLTableElement>(container, 'Versions');
    const headers = Array.from(table.querySelectorAll('th')).map(
      th => th.textContent
    );
    expect(headers).toEqual([
      'Version',
      'Status',
      'Aliases',
      'Registered by',
      'Created',
      'accuracy',
      'loss'
    ]);
    const rows = Array.from(table.querySelectorAll('tbody tr')).map(tr =>
      tr.getAttribute('aria-label')
    );
    expect(rows).toEqual(['Version 3', 'Version 2', 'Version 1']);
    const v2 = byLabel(table, 'Version 2');
    expect(v2.textContent).toContain('Approved');
    expect(v2.textContent).toContain('production');
    expect(v2.textContent).toContain('alice');

    const metric = byLabel<HTMLSelectElement>(container, 'Metric');
    expect(metric.value).toBe('accuracy');
    let chart = byLabel(container, 'accuracy by version');
    expect(chart.querySelectorAll('circle')).toHaveLength(2);

    await act(async () => {
      setValue(metric, 'loss');
    });
    chart = byLabel(container, 'loss by version');
    expect(chart.querySelectorAll('circle')).toHaveLength(3);
  });

  it('shows the details and audit trail of a version', async () => {
    await setup();
    await selectGroup('churn');
    await selectVersion(2);
    const details = container.querySelector('.jp-MlopsStudio-versionDetails')!;
    expect(details.textContent).toContain('sklearn 1.5.0');
    expect(details.textContent).toContain('registry://churn/2/model.pkl');
    expect(details.textContent).toContain('sha256:abc123');
    expect(byLabel(details, 'Hyperparameters').textContent).toContain('rbf');
    expect(byLabel(details, 'Model card').textContent).toContain(
      '# Churn model'
    );
    expect(byLabel(details, 'Gate results').textContent).toContain(
      'accuracy >= 0.8'
    );
    const audit = byLabel(details, 'Audit trail');
    expect(audit.tagName).toBe('OL');
    expect(audit.querySelectorAll('li')).toHaveLength(2);
    expect(audit.textContent).toContain('looks good');

    const link = Array.from(details.querySelectorAll('a')).find(
      a => a.textContent === 'spaces/team/train.ipynb'
    )!;
    await click(link);
    expect(opened).toEqual(['spaces/team/train.ipynb']);
  });

  it('approves through a dialog that requires a comment', async () => {
    const server = await setup();
    server.on(
      'POST',
      'registry/groups/churn/versions/3/status',
      200,
      makeVersion('churn', 3, { status: 'Approved', status_comment: 'ship it' })
    );
    await selectGroup('churn');
    await selectVersion(3);
    await click(buttonByText(container, 'Approve'));

    const approve = dialogNamed('Approve version 3')!;
    expect(approve).not.toBeNull();
    const confirm = buttonByText(approve, 'Confirm');
    expect(confirm.disabled).toBe(true);
    const comment = byLabel<HTMLTextAreaElement>(approve, 'Comment');
    await act(async () => {
      setValue(comment, '   ');
    });
    expect(confirm.disabled).toBe(true);
    // What the server answers once the version is approved.
    server.on('GET', 'registry/groups/churn/versions/3/audit', 200, {
      items: [
        makeAudit(3),
        makeAudit(3, { id: 2, actor: 'maria', to_status: 'Approved' })
      ],
      next: null
    });
    server.on('GET', 'registry/groups/churn/versions', 200, {
      items: [
        makeVersion('churn', 3, { status: 'Approved' }),
        makeVersion('churn', 2, { aliases: ['production'], status: 'Approved' })
      ],
      next: null
    });
    await act(async () => {
      setValue(comment, 'ship it');
    });
    expect(confirm.disabled).toBe(false);
    await click(confirm);
    await flush();

    expect(
      server.calls('POST', 'registry/groups/churn/versions/3/status')[0].body
    ).toEqual({ status: 'Approved', comment: 'ship it' });
    expect(dialogNamed('Approve version 3')).toBeNull();
    expect(byLabel(container, 'Version 3').textContent).toContain('Approved');
    expect(
      byLabel(container, 'Audit trail').querySelectorAll('li')
    ).toHaveLength(2);
  });

  it('shows a four-eyes refusal inline and keeps the dialog open', async () => {
    const server = await setup();
    server.on('POST', 'registry/groups/churn/versions/3/status', 403, {
      message: 'the registrant cannot approve their own version',
      reason: 'four-eyes'
    });
    await selectGroup('churn');
    await selectVersion(3);
    await click(buttonByText(container, 'Reject'));
    const reject = dialogNamed('Reject version 3')!;
    await act(async () => {
      setValue(byLabel(reject, 'Comment'), 'nope');
    });
    await click(buttonByText(reject, 'Confirm'));
    const alert = reject.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe(
      'the registrant cannot approve their own version'
    );
    expect(alert.getAttribute('data-reason')).toBe('four-eyes');
    expect(dialogNamed('Reject version 3')).not.toBeNull();
    await click(buttonByText(reject, 'Cancel'));
    expect(dialogNamed('Reject version 3')).toBeNull();
  });

  it('sets an alias and shows alias errors inline', async () => {
    const server = await setup();
    server.on(
      'PUT',
      'registry/groups/churn/aliases/staging',
      200,
      makeVersion('churn', 3, { aliases: ['staging'] })
    );
    await selectGroup('churn');
    await selectVersion(3);
    const setAlias = buttonByText(container, 'Set alias');
    expect(setAlias.disabled).toBe(true);
    await act(async () => {
      setValue(byLabel(container, 'Alias'), 'staging');
    });
    await click(setAlias);
    expect(
      server.calls('PUT', 'registry/groups/churn/aliases/staging')[0].body
    ).toEqual({ version: 3 });

    server.on('PUT', 'registry/groups/churn/aliases/Bad', 422, {
      message: 'invalid alias',
      reason: 'invalid-alias'
    });
    await act(async () => {
      setValue(byLabel(container, 'Alias'), 'Bad');
    });
    await click(buttonByText(container, 'Set alias'));
    expect(
      container.querySelector('.jp-MlopsStudio-aliasForm [role="alert"]')
        ?.textContent
    ).toBe('invalid alias');
  });

  it('creates a group from the New group dialog', async () => {
    const server = await setup();
    server
      .on('POST', 'registry/groups', 201, {
        ...makeGroup('vision', { latest_version: null })
      })
      .on('GET', 'registry/groups/vision/versions', 200, {
        items: [],
        next: null
      });
    await click(buttonByText(container, 'New group'));
    const form = dialogNamed('New model group')!;
    const create = buttonByText(form, 'Create');
    expect(create.disabled).toBe(true);
    await act(async () => {
      setValue(byLabel(form, 'Group name'), 'vision');
      setValue(byLabel(form, 'Description'), 'Images');
    });
    await click(create);
    expect(server.calls('POST', 'registry/groups')[0].body).toEqual({
      name: 'vision',
      description: 'Images'
    });
    expect(dialogNamed('New model group')).toBeNull();
    expect(model.selectedGroup).toBe('vision');
  });

  it('hides the actions a read-only user may not take', async () => {
    await setup(
      registryServer({ ...REGISTRY_ME, permissions: ['registry:read'] })
    );
    expect(queryButton(container, 'New group')).toBeNull();
    await selectGroup('churn');
    await selectVersion(3);
    expect(queryButton(container, 'Approve')).toBeNull();
    expect(queryButton(container, 'Reject')).toBeNull();
    expect(queryButton(container, 'Set alias')).toBeNull();
    expect(container.querySelector('[aria-label="Alias"]')).toBeNull();
    // The details stay readable.
    expect(byLabel(container, 'Audit trail')).toBeTruthy();
  });

  it('shows a refresh error as an alert', async () => {
    await setup(
      registryServer().on('GET', 'registry/groups', 403, {
        message: 'You may not read the registry',
        reason: 'forbidden'
      })
    );
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe('You may not read the registry');
  });
});
