/**
 * The plugins of jupyter-mlops-studio: they only wire the model, the side
 * panel and the commands together.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { CommandToolbarButton } from '@jupyterlab/ui-components';

import type { ISpace } from './api';
import { historyPlugin, viewOnlyPlugin } from './collab/plugin';
import {
  FeatureStoreModel,
  FeatureStorePermissions
} from './featurestore/model';
// The feature store opens from a sidebar button like the registry: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { featureStoreIcon, FeatureStorePanel } from './featurestore/widgets';
import { galleryPlugin } from './gallery/plugin';
import { imagesPlugin } from './images/plugin';
import { StudioModel } from './model';
import { presencePlugin } from './presence/plugin';
import { projectsPlugin } from './projects/plugin';
import { RegistryModel } from './registry/model';
// The registry panel opens from a sidebar button: it is small, load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { registryIcon, RegistryPanel } from './registry/widgets';
import { sharingPlugin } from './sharing/plugin';
import { IStudioModel } from './tokens';
// The side panel is added to the shell at activation: load it eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addMainAreaPanel, studioIcon, StudioPanel } from './widgets';

export * from './api';
export { HistoryModel } from './collab/history';
export { HistoryCommandIDs } from './collab/plugin';
export * from './featurestore/api';
export {
  FeatureStoreModel,
  FeatureStorePermissions
} from './featurestore/model';
export * from './images/api';
export { ImageBuildsModel, ImagePermissions } from './images/model';
export { ImageCommandIDs } from './images/plugin';
export * from './model';
export * from './registry/api';
export { RegistryModel, RegistryPermissions } from './registry/model';
export * from './sharing/api';
export { SnapshotsModel } from './sharing/model';
export { SharingCommandIDs } from './sharing/plugin';
export * from './tokens';

/** The ids of the studio commands. */
export namespace CommandIDs {
  export const openSidebar = 'mlops-studio:open-sidebar';
  export const refresh = 'mlops-studio:refresh';
  export const newSpace = 'mlops-studio:new-space';
  export const openRegistry = 'mlops-studio:open-registry';
  export const openFeatureStore = 'mlops-studio:open-feature-store';
}

/** The id of the model registry main-area widget. */
const REGISTRY_WIDGET_ID = 'jp-mlops-studio-registry';

/** The id of the feature store main-area widget. */
const FEATURE_STORE_WIDGET_ID = 'jp-mlops-studio-featurestore';

/** The id of the main plugin, also the id of its settings. */
const PLUGIN_ID = 'jupyter-mlops-studio:plugin';

/** The arguments schema of commands that take no arguments. */
const NO_ARGS = { args: { type: 'object' as const, properties: {} } };

/** The palette category of the studio commands. */
const CATEGORY = 'MLOps Studio';

/**
 * The studio side panel, its model and its commands.
 */
const plugin: JupyterFrontEndPlugin<StudioModel> = {
  id: PLUGIN_ID,
  description:
    'The MLOps Studio side panel: the signed-in user, private and shared spaces.',
  autoStart: true,
  provides: IStudioModel,
  optional: [
    IDefaultFileBrowser,
    ISettingRegistry,
    ICommandPalette,
    ILabShell,
    ILayoutRestorer
  ],
  activate: (
    app: JupyterFrontEnd,
    fileBrowser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null
  ): StudioModel => {
    const model = new StudioModel({
      serverSettings: app.serviceManager.serverSettings
    });

    const openSpace = fileBrowser
      ? async (space: ISpace) => {
          try {
            await fileBrowser.model.cd('/' + space.path);
            (labShell ?? app.shell).activateById(fileBrowser.id);
          } catch (error) {
            await showErrorMessage(
              `Cannot open space ${space.name}`,
              error as Error
            );
          }
        }
      : undefined;

    const panel = new StudioPanel({ model, onOpenSpace: openSpace });
    app.shell.add(panel, 'left', { rank: 250 });
    restorer?.add(panel, 'mlops-studio');

    const activatePanel = () => (labShell ?? app.shell).activateById(panel.id);

    app.commands.addCommand(CommandIDs.openSidebar, {
      label: 'Open MLOps Studio',
      describedBy: NO_ARGS,
      caption: 'Show the MLOps Studio side panel',
      icon: args => (args.isPalette ? undefined : studioIcon),
      execute: () => activatePanel()
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh Spaces',
      describedBy: NO_ARGS,
      caption: 'Reload the signed-in user and the spaces',
      execute: () => model.refresh()
    });
    app.commands.addCommand(CommandIDs.newSpace, {
      label: 'New Space…',
      describedBy: NO_ARGS,
      caption: 'Create a private or shared space',
      isEnabled: () => model.can('spaces:create'),
      execute: () => {
        activatePanel();
        panel.spaces.openDialog({ kind: 'new' });
      }
    });
    model.changed.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.newSpace);
    });

    // The model registry and the feature store: main-area panels opened
    // from the sidebar toolbar.
    const openNotebook = (path: string) => {
      app.commands.execute('docmanager:open', { path }).catch(async error => {
        await showErrorMessage(`Cannot open ${path}`, error as Error);
      });
    };
    const { serverSettings } = app.serviceManager;
    addMainAreaPanel(app, {
      command: CommandIDs.openRegistry,
      label: 'Open Model Registry',
      title: 'Model Registry',
      caption: 'Show the model package groups, versions and approvals',
      icon: registryIcon,
      id: REGISTRY_WIDGET_ID,
      namespace: 'mlops-studio-registry',
      restoreName: 'registry',
      restorer,
      create: standby =>
        new RegistryPanel({
          model: new RegistryModel({ serverSettings, standby }),
          onOpenNotebook: openNotebook
        })
    });
    // `openRegistry` takes an optional `group` (e.g. a project's model
    // group): the panel opens or activates, then selects that group.
    app.commands.commandExecuted.connect((_, { id, args, result }) => {
      const group = args.group;
      if (id !== CommandIDs.openRegistry || typeof group !== 'string') {
        return;
      }
      void result
        .then((widget: MainAreaWidget<RegistryPanel>) =>
          widget.content.model.selectGroup(group)
        )
        .catch(() => {
          // A failed refresh is kept in the model's `error` and shown.
        });
    });
    addMainAreaPanel(app, {
      command: CommandIDs.openFeatureStore,
      label: 'Open Feature Store',
      title: 'Feature Store',
      caption:
        'Show the feature groups, look records up and query the offline store with SQL',
      icon: featureStoreIcon,
      id: FEATURE_STORE_WIDGET_ID,
      namespace: 'mlops-studio-featurestore',
      restoreName: 'featurestore',
      restorer,
      isEnabled: () => model.can(FeatureStorePermissions.read),
      create: standby =>
        new FeatureStorePanel({
          model: new FeatureStoreModel({ serverSettings, standby })
        })
    });
    model.changed.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.openFeatureStore);
    });
    panel.toolbar.addItem(
      'model-registry',
      new CommandToolbarButton({
        commands: app.commands,
        id: CommandIDs.openRegistry,
        label: 'Model registry'
      })
    );
    panel.toolbar.addItem(
      'feature-store',
      new CommandToolbarButton({
        commands: app.commands,
        id: CommandIDs.openFeatureStore,
        label: 'Feature store'
      })
    );

    if (palette) {
      for (const command of [
        CommandIDs.openSidebar,
        CommandIDs.refresh,
        CommandIDs.newSpace,
        CommandIDs.openRegistry,
        CommandIDs.openFeatureStore
      ]) {
        palette.addItem({ command, category: CATEGORY });
      }
    }

    if (settingRegistry) {
      const applySettings = (settings: ISettingRegistry.ISettings) => {
        const seconds = settings.get('refreshInterval').composite as number;
        model.refreshInterval = seconds * 1000;
      };
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          applySettings(settings);
          settings.changed.connect(applySettings);
        })
        .catch(reason => {
          console.error(
            `jupyter-mlops-studio: failed to load the settings of ${PLUGIN_ID}.`,
            reason
          );
        });
    }

    return model;
  }
};

export default [
  plugin,
  sharingPlugin,
  imagesPlugin,
  projectsPlugin,
  presencePlugin,
  galleryPlugin,
  viewOnlyPlugin,
  historyPlugin
];
