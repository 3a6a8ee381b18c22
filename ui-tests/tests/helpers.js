// What the browser tests share: signing in, calling the studio API with the browser's login,
// and opening the Studio sidebar.
const { expect } = require('@playwright/test');

const API = '/mlops-studio/api/v1';

/** Wait until JupyterLab has started (its splash screen is gone). */
async function waitForLab(page) {
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0, { timeout: 60000 });
}

/**
 * Sign in and load JupyterLab in the workspace `<prefix>-<username>`: the default workspace is
 * one layout shared by every user of the server, so another user's tabs would be restored in it.
 */
async function signIn(page, username, password, prefix) {
  const workspace = `/lab/workspaces/${prefix}-${username}`;
  await page.goto(`/login?next=${encodeURIComponent(workspace)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/lab\/workspaces\//);
  await waitForLab(page);
}

/**
 * Call the server with the browser's login: its cookies and the `_xsrf` header. The answer must
 * be `status` (any 2xx when omitted); its JSON body is returned.
 */
async function call(page, method, route, body, status) {
  const cookies = await page.context().cookies();
  const xsrf = cookies.find(cookie => cookie.name === '_xsrf');
  expect(xsrf, 'the login sets an _xsrf cookie').toBeTruthy();
  const response = await page.request.fetch(route, {
    method,
    data: body,
    headers: { 'X-XSRFToken': xsrf.value }
  });
  const message = `${method} ${route}: ${await response.text()}`;
  if (status === undefined) {
    expect(response.ok(), message).toBeTruthy();
  } else {
    expect(response.status(), message).toBe(status);
  }
  return response.json();
}

/** POST to the studio API, expecting 201. */
function post(page, route, body) {
  return call(page, 'POST', API + route, body, 201);
}

/** Show the Studio side panel and return it. */
async function openStudio(page) {
  const tab = page.locator('li[data-id="jp-mlops-studio-panel"]');
  await expect(tab).toBeVisible();
  const panel = page.locator('#jp-mlops-studio-panel');
  if (!(await panel.isVisible())) {
    await tab.click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

module.exports = { API, call, openStudio, post, signIn, waitForLab };
