// MLOps projects end to end (issue 7, acceptance 5): alice creates a project from the Projects
// section of the Studio sidebar with the "model build + deploy" template in a shared space (the
// dialog checks the name and the parameters before sending, and shows the server's name clash
// inline), sees it CreateCompleted, opens its git repository in the file browser and its model
// group in the registry panel, then deletes it (the repository is archived).
const { test, expect } = require('@playwright/test');
const path = require('path');

const { API, call, openStudio, post, signIn } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'alice-mlops';
const PROJECT = 'churn-model';
const TEMPLATE = 'MLOps project: model build + deploy';

/** Open the "New project" dialog from the Projects section. */
async function openNewProjectDialog(page, studio) {
  await studio.getByRole('button', { name: 'New project…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await expect(dialog).toBeVisible();
  // the templates and the chosen one's parameters are loaded
  await expect(dialog.getByRole('textbox', { name: 'min_accuracy (number)' })).toBeVisible();
  return dialog;
}

test('a project created from the sidebar opens as a repository and a model group', async ({
  browser
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'alice', 'alice-password', 'projects');
  // projects live in shared spaces only: a private one is not offered
  await post(page, '/spaces', { name: SPACE, sharing: 'shared' });
  await post(page, '/spaces', { name: 'alice-notes', sharing: 'private' });

  const studio = await openStudio(page);
  await studio.getByRole('button', { name: 'Refresh spaces' }).click();
  await expect(studio.getByRole('listitem', { name: SPACE, exact: true })).toBeVisible();
  await expect(studio.getByText('No projects yet')).toBeVisible();

  let dialog = await openNewProjectDialog(page, studio);
  const space = dialog.getByRole('combobox', { name: 'Space' });
  // other specs may have given alice more shared spaces: the private one is never offered
  await expect(space.locator(`option[value="${SPACE}"]`)).toHaveCount(1);
  await expect(space.locator('option[value="alice-notes"]')).toHaveCount(0);
  await space.selectOption(SPACE);
  const template = dialog.getByRole('combobox', { name: 'Template' });
  await expect(template.locator('option')).toHaveText([
    'MLOps project: model build + deploy',
    'MLOps project: model build only'
  ]);
  await template.selectOption({ label: TEMPLATE });
  await expect(dialog).toContainText('a deploy step that picks the newest Approved');
  await expect(dialog.getByRole('textbox', { name: 'min_accuracy (number)' })).toHaveValue('0.9');
  const maxIter = dialog.getByRole('textbox', { name: 'max_iter (integer)' });
  await expect(maxIter).toHaveValue('500');

  // what the server would refuse is said before sending
  const create = dialog.getByRole('button', { name: 'Create project' });
  await dialog.getByRole('textbox', { name: 'Project name' }).fill('churn_model');
  await expect(dialog).toContainText("Letters, digits and '-'");
  await expect(create).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Project name' }).fill(PROJECT);
  await maxIter.fill('3.5');
  await expect(dialog).toContainText('max_iter must be a whole number.');
  await expect(create).toBeDisabled();
  await maxIter.fill('300');
  await expect(create).toBeEnabled();
  await page.screenshot({ path: path.join(shots, 'projects-dialog.png') });

  // create it: the dialog closes and the project is listed CreateCompleted
  await create.click();
  await expect(dialog).toHaveCount(0, { timeout: 60000 });
  const projects = studio.getByRole('list', { name: 'Projects' });
  const item = projects.getByRole('listitem', { name: `Project ${PROJECT}` });
  await expect(item).toBeVisible();
  await expect(item.locator('.jp-MlopsStudio-badge')).toHaveText('CreateCompleted');
  await expect(item.locator('[data-field="template"]')).toHaveText('project-build-deploy');
  await expect(item.locator('[data-field="space"]')).toHaveText(SPACE);
  await expect(item.locator('[data-field="creator"]')).toHaveText('by alice');
  await item.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'projects-sidebar.png') });

  // the server agrees
  const listed = await call(page, 'GET', `${API}/projects`);
  expect(listed.items.map(p => [p.name, p.status, p.space, p.repository, p.parameters])).toEqual([
    [PROJECT, 'CreateCompleted', SPACE, `spaces/${SPACE}/${PROJECT}`, { min_accuracy: 0.9, max_iter: 300 }]
  ]);
  const group = listed.items[0].model_group;
  expect(group).toMatch(new RegExp(`^${PROJECT}-[0-9a-f]{8}$`));

  // the same name again: the server's 409 inline, the dialog stays open
  dialog = await openNewProjectDialog(page, studio);
  await dialog.getByRole('textbox', { name: 'Project name' }).fill(PROJECT);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  const alert = dialog.getByRole('alert');
  await expect(alert).toHaveAttribute('data-reason', 'project-exists');
  await expect(alert).toContainText(PROJECT);
  await page.screenshot({ path: path.join(shots, 'projects-name-clash.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // Open repository: the file browser shows the seed repository
  await item.getByRole('button', { name: `Open repository of ${PROJECT}` }).click();
  const fileBrowser = page.locator('#filebrowser');
  await expect(fileBrowser).toBeVisible();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(PROJECT);
  const listing = fileBrowser.locator('.jp-DirListing-content');
  for (const name of ['pipelines', 'tests', 'README.md']) {
    await expect(
      listing.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${name}$`) })
    ).toBeVisible();
  }
  await page.screenshot({ path: path.join(shots, 'projects-repository.png') });

  // Model group: the registry panel opens on the project's group
  await openStudio(page);
  await item.getByRole('button', { name: `Model group of ${PROJECT}` }).click();
  const registry = page.getByRole('main', { name: 'Model group', exact: true });
  await expect(registry.getByRole('heading', { name: group })).toBeVisible();
  await expect(registry).toContainText(`models of project ${PROJECT}`);
  await expect(registry).toContainText('No versions registered yet.');
  await page.screenshot({ path: path.join(shots, 'projects-model-group.png') });

  // Delete…: confirmed by the name; the repository leaves the space for the archive
  await openStudio(page);
  await item.getByRole('button', { name: `Delete ${PROJECT}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete project ${PROJECT}` });
  await expect(confirm).toContainText(`The repository spaces/${SPACE}/${PROJECT} moves`);
  const remove = confirm.getByRole('button', { name: 'Delete project' });
  await expect(remove).toBeDisabled();
  await confirm.getByRole('textbox', { name: `Type ${PROJECT} to confirm` }).fill(PROJECT);
  await remove.click();
  await expect(confirm).toHaveCount(0);
  await expect(item).toHaveCount(0);
  expect((await call(page, 'GET', `${API}/projects`)).items).toEqual([]);
  const folder = await call(page, 'GET', `/api/contents/spaces/${SPACE}?content=1`);
  expect(folder.content.map(entry => entry.name)).not.toContain(PROJECT);
  await context.close();
});
