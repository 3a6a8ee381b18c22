import * as React from 'react';
import { act } from 'react';

import type { ISpace } from '../api';
import type { ITemplate, ITemplateInstance } from '../gallery/api';
import { GalleryModel } from '../gallery/model';
import {
  GalleryDialog,
  GalleryView,
  OpenInSpaceDialog
} from '../gallery/widgets';
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
import { FakeServer, makeSpace } from './fakeserver';
import {
  GALLERY_ADMIN,
  GALLERY_ME,
  galleryServer,
  makeInstance,
  makeTemplate
} from './galleryfakes';

const SPACES = [
  makeSpace('mine'),
  makeSpace('team', { sharing: 'shared', role: 'editor' })
] as unknown as ISpace[];

async function typeIn(
  element: HTMLInputElement | HTMLSelectElement,
  value: string
): Promise<void> {
  await act(async () => setValue(element, value));
}

/** Let the debounced search run (the model waits 5 ms) and React settle. */
async function searched(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 30));
  });
  await flush();
}

/** The titles of the cards shown. */
function cardTitles(container: HTMLElement): string[] {
  return Array.from(byLabel(container, 'Templates').querySelectorAll('li')).map(
    li => li.getAttribute('aria-label') ?? ''
  );
}

/** The facet value buttons of a facet, as `value count` texts. */
function facetTexts(container: HTMLElement, facet: string): string[] {
  return Array.from(
    container.querySelectorAll(`fieldset[data-facet="${facet}"] button`)
  ).map(b => b.getAttribute('aria-label') ?? '');
}

function facetButton(
  container: HTMLElement,
  facet: string,
  value: string
): HTMLButtonElement {
  return container.querySelector<HTMLButtonElement>(
    `fieldset[data-facet="${facet}"] button[data-value="${value}"]`
  )!;
}

describe('GalleryView', () => {
  let server: FakeServer;
  let model: GalleryModel;
  let view: MountedView<GalleryDialog>;
  let container: HTMLElement;
  let instances: ITemplateInstance[];

  const mount = async (me: Record<string, unknown> = GALLERY_ME) => {
    server = galleryServer(me);
    model = new GalleryModel({
      serverSettings: server.serverSettings,
      searchDelay: 5
    });
    await model.ready;
    instances = [];
    view = await mountView<GalleryDialog>((dialog, onDialog) => (
      <GalleryView
        model={model}
        dialog={dialog}
        onDialog={onDialog}
        spaces={() => SPACES}
        onInstantiated={instance => instances.push(instance)}
      />
    ));
    // Rendered again on the model's changes, as the panel widget does.
    model.changed.connect(() => void view.update());
    container = view.container;
  };

  const showDetails = async (title: string) => {
    await click(
      byLabel(byLabel(container, 'Templates'), title).firstChild as HTMLElement
    );
    await flush();
    return byLabel(container, 'Template details');
  };

  afterEach(() => {
    view.dispose();
    model.dispose();
  });

  it('shows the templates as cards with their badges and tags', async () => {
    await mount();
    expect(cardTitles(container)).toEqual([
      'Churn classifier',
      'Sentence embeddings',
      'MLOps project',
      'Ridge regression'
    ]);
    const churn = byLabel(byLabel(container, 'Templates'), 'Churn classifier');
    expect(churn.textContent).toContain('notebook');
    expect(churn.textContent).toContain('fine-tunable');
    expect(churn.textContent).toContain('tabular-classification');
    expect(churn.textContent).toContain('scikit-learn');
    expect(byLabel(churn, 'Tags').textContent).toBe('classificationtabular');
    const ridge = byLabel(byLabel(container, 'Templates'), 'Ridge regression');
    expect(ridge.textContent).not.toContain('fine-tunable');
    expect(container.textContent).toContain('4 templates');
  });

  it('filters by a facet value with its count, and clears it', async () => {
    await mount();
    expect(facetTexts(container, 'type')).toEqual([
      'model (1)',
      'notebook (2)',
      'project (1)'
    ]);
    expect(facetTexts(container, 'fine_tunable')).toEqual([
      'No (2)',
      'Yes (2)'
    ]);
    await click(facetButton(container, 'type', 'notebook'));
    await flush();
    expect(cardTitles(container)).toEqual([
      'Churn classifier',
      'Ridge regression'
    ]);
    expect(
      facetButton(container, 'type', 'notebook').getAttribute('aria-pressed')
    ).toBe('true');
    // The other facets count within the filter.
    expect(facetTexts(container, 'task')).toEqual([
      'tabular-classification (1)',
      'tabular-regression (1)'
    ]);
    await click(facetButton(container, 'fine_tunable', 'true'));
    await flush();
    expect(cardTitles(container)).toEqual(['Churn classifier']);
    expect(container.textContent).toContain('1 template');

    // Pressing a pressed value clears its filter.
    await click(facetButton(container, 'type', 'notebook'));
    await flush();
    expect(cardTitles(container)).toEqual([
      'Churn classifier',
      'Sentence embeddings'
    ]);
    await click(buttonByText(container, 'Clear search and filters'));
    await flush();
    expect(cardTitles(container)).toHaveLength(4);
  });

  it('searches as one types and says when nothing matches', async () => {
    await mount();
    const search = byLabel<HTMLInputElement>(container, 'Search templates');
    await typeIn(search, 'tab');
    expect(search.value).toBe('tab');
    await searched();
    expect(cardTitles(container)).toEqual([
      'Churn classifier',
      'Ridge regression'
    ]);
    await typeIn(search, 'tabular nothing');
    await searched();
    expect(container.textContent).toContain(
      'No template matches the search and filters.'
    );
  });

  it('lists the templates that could not be loaded, collapsed', async () => {
    await mount();
    const details = container.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe(
      '1 template could not be loaded'
    );
    const item = byLabel(
      details,
      'Templates that could not be loaded'
    ).firstElementChild!;
    expect(item.getAttribute('data-reason')).toBe('missing-field');
    expect(item.textContent).toContain('broken (directory /srv/templates)');
    expect(item.textContent).toContain('missing field: task');
  });

  it('shows the manifest of the selected template', async () => {
    await mount();
    const details = await showDetails('Churn classifier');
    expect(details.querySelector('h2')?.textContent).toBe('Churn classifier');
    expect(byLabel(details, 'Manifest').textContent).toContain(
      'builtin (jupyter_mlops_studio)'
    );
    const parameters = byLabel<HTMLTableElement>(details, 'Parameters');
    const rows = Array.from(parameters.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(rows).toEqual([
      ['test_size', 'number', '0.25', 'Share held out'],
      ['seed', 'integer', '42', 'Seed'],
      ['label', 'string', 'required', 'The target column'],
      ['verbose', 'boolean', 'false', '']
    ]);
    expect(byLabel(details, 'Files').textContent).toContain(
      'churn.ipynb 2.8 KiB'
    );
    expect(byLabel(details, 'Files').textContent).toContain(
      'data/sample.csv 120 B'
    );
    expect(byLabel(details, 'Requirements').textContent).toBe(
      'scikit-learn>=1.4'
    );
    await click(buttonByText(details, 'Close details'));
    expect(
      container.querySelector('[aria-label="Template details"]')
    ).toBeNull();
  });

  it('opens a template in a space with typed parameters, then the notebook', async () => {
    await mount();
    const details = await showDetails('Churn classifier');
    await click(buttonByText(details, 'Open in space…'));
    const dialog = dialogNamed('Open Churn classifier')!;
    expect(dialog).not.toBeNull();
    const space = byLabel<HTMLSelectElement>(dialog, 'Space');
    expect(space.value).toBe('mine');
    expect(
      Array.from(space.querySelectorAll('optgroup')).map(g => g.label)
    ).toEqual(['private spaces', 'shared spaces']);
    await typeIn(space, 'team');
    expect(byLabel<HTMLInputElement>(dialog, 'Folder').value).toBe('churn');

    const submit = buttonByText(dialog, 'Open in space');
    const testSize = byLabel<HTMLInputElement>(dialog, 'test_size (number)');
    await typeIn(testSize, 'a quarter');
    expect(submit.disabled).toBe(true);
    expect(testSize.getAttribute('aria-invalid')).toBe('true');
    expect(dialog.textContent).toContain('test_size must be a number');
    await typeIn(testSize, '0.3');
    await typeIn(byLabel(dialog, 'seed (integer)'), '4.5');
    expect(submit.disabled).toBe(true);
    expect(dialog.textContent).toContain('seed must be a whole number');
    await typeIn(byLabel(dialog, 'seed (integer)'), '7');
    await typeIn(byLabel(dialog, 'label (string)'), 'churned');
    await click(byLabel(dialog, 'verbose (boolean)'));
    await typeIn(byLabel(dialog, 'Folder'), '../escape');
    expect(submit.disabled).toBe(true);
    expect(dialog.textContent).toContain(
      'may not be empty or start with a dot'
    );
    await typeIn(byLabel(dialog, 'Folder'), 'experiments/churn');
    expect(submit.disabled).toBe(false);
    expect(server.calls('POST', 'gallery/templates/churn/instantiate')).toEqual(
      []
    );

    server.on(
      'POST',
      'gallery/templates/churn/instantiate',
      201,
      makeInstance('churn', 'team')
    );
    await click(submit);
    await flush();
    const [request] = server.calls(
      'POST',
      'gallery/templates/churn/instantiate'
    );
    expect(request.body).toEqual({
      space: 'team',
      folder: 'experiments/churn',
      parameters: { test_size: 0.3, seed: 7, label: 'churned', verbose: true }
    });
    expect(dialogNamed('Open Churn classifier')).toBeNull();
    expect(instances.map(i => i.main)).toEqual([
      'spaces/team/churn/churn.ipynb'
    ]);
  });

  it('shows the server refusal inline and keeps the dialog open', async () => {
    await mount();
    const details = await showDetails('Ridge regression');
    await click(buttonByText(details, 'Open in space…'));
    const dialog = dialogNamed('Open Ridge regression')!;
    server.on('POST', 'gallery/templates/regression/instantiate', 400, {
      message: 'parameter label is required',
      reason: 'missing-parameter'
    });
    await click(buttonByText(dialog, 'Open in space'));
    await flush();
    const alert = dialog.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe('parameter label is required');
    expect(alert.getAttribute('data-reason')).toBe('missing-parameter');
    expect(dialogNamed('Open Ridge regression')).not.toBeNull();
    expect(instances).toEqual([]);
  });

  it('shows why a template cannot be shown', async () => {
    await mount();
    server.on('GET', 'gallery/templates/regression', 409, {
      message: 'template regression became invalid: missing-file',
      reason: 'missing-file'
    });
    const details = await showDetails('Ridge regression');
    expect(details.querySelector('[role="alert"]')?.textContent).toBe(
      'template regression became invalid: missing-file'
    );
    expect(details.textContent).not.toContain('Open in space…');
  });

  it('lets an admin add a space folder to the catalog, checked first', async () => {
    await mount(GALLERY_ADMIN);
    await click(buttonByText(container, 'Add to catalog…'));
    const dialog = dialogNamed('Add to the template catalog')!;
    const submit = buttonByText(dialog, 'Add to catalog');
    expect(submit.disabled).toBe(true);
    const folder = byLabel<HTMLInputElement>(dialog, 'Folder of a space');
    await typeIn(folder, '/etc/passwd');
    expect(submit.disabled).toBe(true);
    expect(dialog.textContent).toContain('a path from the server root');
    await typeIn(folder, 'spaces/team/../x');
    expect(submit.disabled).toBe(true);

    server.on('POST', 'gallery/catalog', 400, {
      message: 'invalid template: missing field: task',
      reason: 'missing-field'
    });
    await typeIn(folder, 'spaces/team/broken/');
    await click(submit);
    await flush();
    expect(server.calls('POST', 'gallery/catalog')[0].body).toEqual({
      space_path: 'spaces/team/broken'
    });
    expect(dialog.querySelector('[role="alert"]')?.textContent).toBe(
      'invalid template: missing field: task'
    );

    const added = makeTemplate('team-template', {
      title: 'Team template',
      source: 'catalog',
      source_name: 'domain'
    });
    server
      .on('POST', 'gallery/catalog', 201, added)
      .on('GET', 'gallery/templates/team-template', 200, added);
    await typeIn(folder, 'spaces/team/team-template');
    await click(submit);
    await flush();
    expect(dialogNamed('Add to the template catalog')).toBeNull();
    const details = byLabel(container, 'Template details');
    expect(details.querySelector('h2')?.textContent).toBe('Team template');
    expect(byLabel(details, 'Manifest').textContent).toContain(
      'catalog (domain)'
    );
  });

  it('lets an admin remove a catalog template after confirming', async () => {
    await mount(GALLERY_ADMIN);
    server.on(
      'GET',
      'gallery/templates/regression',
      200,
      makeTemplate('regression', { source: 'catalog', source_name: 'domain' })
    );
    let details = await showDetails('Churn classifier');
    // A builtin template is not the catalog's to remove.
    expect(queryButton(details, 'Remove from catalog…')).toBeNull();
    details = await showDetails('Ridge regression');
    await click(buttonByText(details, 'Remove from catalog…'));
    const dialog = dialogNamed('Remove Ridge regression')!;
    server.on('DELETE', 'gallery/catalog/regression', 204);
    await click(buttonByText(dialog, 'Remove from catalog'));
    await flush();
    expect(server.calls('DELETE', 'gallery/catalog/regression')).toHaveLength(
      1
    );
    expect(dialogNamed('Remove Ridge regression')).toBeNull();
    expect(
      container.querySelector('[aria-label="Template details"]')
    ).toBeNull();
  });

  it('disables Open in space… without the permission to use templates', async () => {
    await mount({ ...GALLERY_ME, permissions: ['gallery:read'] });
    const details = await showDetails('Churn classifier');
    expect(buttonByText(details, 'Open in space…').disabled).toBe(true);
    expect(details.textContent).toContain(
      'Your personas may not use gallery templates.'
    );
    expect(queryButton(container, 'Add to catalog…')).toBeNull();
  });
});

describe('OpenInSpaceDialog', () => {
  let root: TestRoot;
  let sent: unknown[];

  const render = async (
    template: Record<string, unknown>,
    spaces: ISpace[] = SPACES,
    initialSpace?: string
  ) => {
    root = new TestRoot();
    sent = [];
    await root.render(
      <OpenInSpaceDialog
        template={template as unknown as ITemplate}
        spaces={spaces}
        initialSpace={initialSpace}
        onSubmit={async use => {
          sent.push(use);
        }}
        onClose={() => undefined}
      />
    );
    return dialogNamed(`Open ${template.title}`)!;
  };

  afterEach(() => root.dispose());

  it('says so when the user can write no space, and refuses to submit', async () => {
    const dialog = await render(makeTemplate('churn'), []);
    expect(dialog.querySelector('[role="alert"]')?.textContent).toMatch(
      /create a private space first/
    );
    expect(byLabel<HTMLSelectElement>(dialog, 'Space').disabled).toBe(true);
    expect(buttonByText(dialog, 'Open in space').disabled).toBe(true);
  });

  it('chooses the space given first when the user may write it', async () => {
    let dialog = await render(makeTemplate('churn'), SPACES, 'team');
    expect(byLabel<HTMLSelectElement>(dialog, 'Space').value).toBe('team');
    root.dispose();
    dialog = await render(makeTemplate('churn'), SPACES, 'read-only');
    expect(byLabel<HTMLSelectElement>(dialog, 'Space').value).toBe('mine');
  });

  it("offers a registry model's approved versions only", async () => {
    const dialog = await render(
      makeTemplate('model-churn', {
        title: 'churn (model registry)',
        type: 'model',
        source: 'registry',
        parameters: [
          {
            name: 'version',
            type: 'integer',
            default: 3,
            description: 'An approved version of the group'
          }
        ],
        registry: {
          group: 'churn',
          version: 3,
          metrics: {},
          approved_versions: [1, 3]
        }
      })
    );
    const version = byLabel<HTMLSelectElement>(dialog, 'version (integer)');
    expect(version.tagName).toBe('SELECT');
    expect(Array.from(version.options).map(o => o.value)).toEqual(['1', '3']);
    expect(version.value).toBe('3');
    await typeIn(version, '1');
    await click(buttonByText(dialog, 'Open in space'));
    expect(sent).toEqual([
      { space: 'mine', folder: 'model-churn', parameters: { version: 1 } }
    ]);
  });

  it('sends a template without parameters with an empty map', async () => {
    const dialog = await render(makeTemplate('bare', { parameters: [] }));
    expect(dialog.querySelector('fieldset')).toBeNull();
    await click(buttonByText(dialog, 'Open in space'));
    expect(sent).toEqual([{ space: 'mine', folder: 'bare', parameters: {} }]);
  });
});
