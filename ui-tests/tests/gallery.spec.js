// The template gallery end to end: alice opens the gallery from the JupyterLab launcher, sees the
// template an admin dropped broken into the domain catalog reported with its reason, filters the
// cards by task, reads the tabular classification template's manifest and opens it in her shared
// space with a parameter of her own (a wrong value is refused in the form first); the notebook
// opens in JupyterLab with the value substituted. The launcher's item of the template starts on
// the file browser's space; the Studio sidebar's button and the palette open the gallery too.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');

const { API, call, openStudio, post, signIn, waitForLab } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'gallery-team';
const PRIVATE_SPACE = 'gallery-scratch';
const ADMIN_SPACE = 'gallery-admin';
const CATALOG_TEMPLATE = 'Team churn model';
const TEMPLATE = 'Tabular classification with scikit-learn';
const TASK = 'tabular-classification';

/**
 * The domain catalog of the server start-server.sh started on this port: an admin may drop
 * template folders there (the gallery reads it on refresh).
 */
function catalogDir() {
  const port = process.env.STUDIO_UI_PORT || '8888';
  return path.join(__dirname, '..', '.studio-run', port, 'data', 'gallery');
}

/** A template folder whose manifest lacks its task: the gallery must report it, not crash. */
function dropBrokenTemplate() {
  const folder = path.join(catalogDir(), 'broken-template');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'template.yaml'),
    'id: broken-template\ntitle: Broken\ndescription: no task\ntype: notebook\n' +
      'framework: none\n'
  );
  fs.writeFileSync(path.join(folder, 'broken.ipynb'), '{}');
}

test('a notebook template found by task opens in a space with its parameters', async ({
  page
}) => {
  dropBrokenTemplate();
  await signIn(page, 'alice', 'alice-password', 'gallery');
  await post(page, '/spaces', { name: SPACE, sharing: 'shared', description: 'gallery test' });
  await post(page, '/spaces', { name: PRIVATE_SPACE, sharing: 'private' });
  const studio = await openStudio(page);
  await studio.getByRole('button', { name: 'Refresh spaces' }).click();
  await expect(studio.getByRole('button', { name: `Open ${SPACE}` })).toBeVisible();

  // the launcher (in the space's folder): the gallery item and an item per notebook template,
  // in the MLOps Studio section
  await studio.getByRole('button', { name: `Open ${SPACE}` }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(SPACE);
  await page.locator('.jp-FileBrowser').getByRole('button', { name: 'New Launcher' }).click();
  const launcher = page.locator('.jp-Launcher:visible');
  const cards = launcher.locator('.jp-LauncherCard[data-category="MLOps Studio"]');
  await expect(cards.filter({ hasText: TEMPLATE })).toHaveCount(1);
  await cards.filter({ hasText: /^Template gallery$/ }).click();
  await expect(page.getByRole('tab', { name: 'Template Gallery' })).toBeVisible();
  const gallery = page.locator('#jp-mlops-studio-gallery');
  const templates = gallery.getByRole('list', { name: 'Templates', exact: true });
  await expect(templates.getByRole('listitem', { name: TEMPLATE })).toBeVisible();

  // the broken catalog template is reported once the sources are read again
  await gallery.getByRole('button', { name: 'Reload templates' }).click();
  const problems = gallery.locator('details', { hasText: 'could not be loaded' });
  await expect(problems.locator('summary')).toHaveText('1 template could not be loaded');
  await problems.locator('summary').click();
  const problem = problems.getByRole('list', { name: 'Templates that could not be loaded' });
  await expect(problem).toContainText('broken-template (catalog domain)');
  await expect(problem).toContainText('missing field');
  await expect(problem).toContainText('task');
  await expect(problem.locator('[data-reason="missing-field"]')).toHaveCount(1);
  await page.screenshot({ path: path.join(shots, 'gallery-cards.png') });

  // filter by task: one card, the facet pressed with its count
  const total = await templates.getByRole('listitem').count();
  expect(total).toBeGreaterThan(3);
  const taskFacet = gallery.getByRole('group', { name: 'Task' });
  const facetValue = taskFacet.getByRole('button', { name: `${TASK} (1)` });
  await facetValue.click();
  await expect(facetValue).toHaveAttribute('aria-pressed', 'true');
  await expect(templates.getByRole('listitem')).toHaveCount(1);
  await expect(gallery.locator('[data-field="count"]')).toHaveText('1 template');
  const typeFacet = gallery.getByRole('group', { name: 'Type' });
  await expect(typeFacet.getByRole('button', { name: 'notebook (1)' })).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'gallery-filtered-by-task.png') });

  // the details: the manifest with its parameters and files
  await templates.getByRole('listitem', { name: TEMPLATE }).getByRole('button').click();
  const details = gallery.getByRole('complementary', { name: 'Template details' });
  await expect(details.getByRole('heading', { name: TEMPLATE })).toBeVisible();
  const parameters = details.getByRole('table', { name: 'Parameters' });
  await expect(parameters.getByRole('row', { name: 'test_size' })).toContainText('0.25');
  await expect(parameters.getByRole('row', { name: 'random_state' })).toContainText('integer');
  await expect(details.getByRole('list', { name: 'Files' })).toContainText('classification.ipynb');
  await expect(details.getByRole('list', { name: 'Requirements' })).toContainText('scikit-learn');

  // "Open in space…": a wrong value is refused before anything is sent
  await details.getByRole('button', { name: 'Open in space…' }).click();
  const dialog = page.getByRole('dialog', { name: `Open ${TEMPLATE}` });
  await expect(dialog).toBeVisible();
  const spaceSelect = dialog.getByRole('combobox', { name: 'Space' });
  // a private space comes first (other specs may have made alice more of them)
  await expect(spaceSelect.locator(`option[value="${PRIVATE_SPACE}"]`)).toHaveCount(1);
  await expect(spaceSelect).not.toHaveValue(SPACE);
  await spaceSelect.selectOption(SPACE);
  const testSize = dialog.getByRole('textbox', { name: 'test_size (number)' });
  const submit = dialog.getByRole('button', { name: 'Open in space' });
  await testSize.fill('a third');
  await expect(testSize).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toContainText('test_size must be a number');
  await expect(submit).toBeDisabled();
  await testSize.fill('0.3');
  await dialog.getByRole('textbox', { name: 'n_estimators (integer)' }).fill('50');
  await expect(submit).toBeEnabled();
  await page.screenshot({ path: path.join(shots, 'gallery-open-in-space.png') });
  await submit.click();
  await expect(dialog).toHaveCount(0);

  // the main notebook opens, written into the space with the parameters substituted
  const notebookTab = page.getByRole('tab', { name: 'classification.ipynb' });
  await expect(notebookTab).toBeVisible();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-Cell').first()).toBeVisible();
  await expect(notebook).toContainText('TEST_SIZE = 0.3');
  await page.screenshot({ path: path.join(shots, 'gallery-notebook-opened.png') });
  const written = await call(
    page,
    'GET',
    `/api/contents/spaces/${SPACE}/tabular-classification/classification.ipynb`
  );
  const source = written.content.cells.map(cell => cell.source).join('\n');
  expect(source).toContain('TEST_SIZE = 0.3');
  expect(source).toContain('50');
  expect(source).not.toContain('{{');

  // the launcher's item of the template opens its dialog on the space of the file browser
  await page.locator('.jp-FileBrowser').getByRole('button', { name: 'New Launcher' }).click();
  await page
    .locator('.jp-Launcher:visible .jp-LauncherCard[data-category="MLOps Studio"]')
    .filter({ hasText: TEMPLATE })
    .click();
  await expect(dialog).toBeVisible();
  await expect(spaceSelect).toHaveValue(SPACE);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // the Studio sidebar's button opens the gallery again once closed
  await page.getByRole('tab', { name: 'Template Gallery' }).getByTitle('Close').click();
  await expect(gallery).toHaveCount(0);
  await (await openStudio(page)).getByRole('button', { name: 'Template gallery' }).click();
  await expect(gallery).toBeVisible();
  await expect(templates.getByRole('listitem', { name: TEMPLATE })).toBeVisible();

  // so does the palette's command, from the notebook
  await notebookTab.click();
  await expect(gallery).toBeHidden();
  await expect(async () => {
    await page.getByRole('menuitem', { name: 'View' }).click();
    await page.getByRole('menuitem', { name: /Activate Command Palette/ }).click();
    const palette = page.locator('.lm-CommandPalette:visible');
    await palette.locator('input').fill('template gallery', { timeout: 2000 });
    await palette
      .locator('.lm-CommandPalette-item', { hasText: 'Open Template Gallery' })
      .click({ timeout: 2000 });
  }).toPass({ timeout: 30000 });
  await expect(gallery).toBeVisible();

  // the server lists the broken template too
  const listed = await call(page, 'GET', `${API}/gallery/problems`);
  expect(listed.items.map(item => item.path)).toContain('broken-template');
});

test('an admin adds the template of a space folder to the catalog, then removes it', async ({
  page
}) => {
  // the server's token signs in as the domain admin
  await page.goto('/lab/workspaces/gallery-admin?token=ui-tests-admin-token');
  await waitForLab(page);
  await post(page, '/spaces', { name: ADMIN_SPACE, sharing: 'shared' });
  const folder = `/api/contents/spaces/${ADMIN_SPACE}/team-churn`;
  await call(page, 'PUT', folder, { type: 'directory' });
  await call(page, 'PUT', `${folder}/template.yaml`, {
    type: 'file',
    format: 'text',
    content:
      `id: team-churn\ntitle: ${CATALOG_TEMPLATE}\ndescription: The team's churn baseline\n` +
      'type: notebook\ntask: tabular-classification\nframework: scikit-learn\n' +
      'tags: [team, churn]\n'
  });
  await call(page, 'PUT', `${folder}/churn.ipynb`, {
    type: 'notebook',
    format: 'json',
    content: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }
  });

  // "Add to Template Catalog…" on the folder's context menu, its path proposed
  const studio = await openStudio(page);
  await studio.getByRole('button', { name: 'Refresh spaces' }).click();
  await studio.getByRole('button', { name: `Open ${ADMIN_SPACE}` }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(ADMIN_SPACE);
  await page
    .locator('.jp-DirListing-item[data-isdir="true"]', { hasText: 'team-churn' })
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Add to Template Catalog…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add to the template catalog' });
  await expect(dialog.getByRole('textbox', { name: 'Folder of a space' })).toHaveValue(
    `spaces/${ADMIN_SPACE}/team-churn`
  );
  await page.screenshot({ path: path.join(shots, 'gallery-add-to-catalog.png') });
  await dialog.getByRole('button', { name: 'Add to catalog' }).click();
  await expect(dialog).toHaveCount(0);

  // the gallery shows it, from the domain catalog
  const gallery = page.locator('#jp-mlops-studio-gallery');
  const details = gallery.getByRole('complementary', { name: 'Template details' });
  await expect(details.getByRole('heading', { name: CATALOG_TEMPLATE })).toBeVisible();
  await expect(details.getByRole('definition').filter({ hasText: 'catalog (domain)' })).toHaveCount(
    1
  );
  const templates = gallery.getByRole('list', { name: 'Templates', exact: true });
  await expect(templates.getByRole('listitem', { name: CATALOG_TEMPLATE })).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'gallery-catalog-template.png') });

  // and removes it after confirming
  await details.getByRole('button', { name: 'Remove from catalog…' }).click();
  const confirm = page.getByRole('dialog', { name: `Remove ${CATALOG_TEMPLATE}` });
  await confirm.getByRole('button', { name: 'Remove from catalog' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(templates.getByRole('listitem', { name: CATALOG_TEMPLATE })).toHaveCount(0);
  await expect(details).toHaveCount(0);
  const gone = await page.request.get(`${API}/gallery/templates/team-churn`);
  expect(gone.status()).toBe(404);
});
