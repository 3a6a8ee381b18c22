/**
 * CSS class names of the feature store panel (styled in
 * `style/featurestore.css`; the layout, group list, details grid and chart
 * classes it shares with the registry panel in `style/registry.css`).
 */
export {
  CHART_CLASS,
  DETAILS_GRID_CLASS,
  GROUP_BUTTON_CLASS,
  GROUP_DESCRIPTION_CLASS,
  GROUP_ITEM_CLASS,
  GROUP_LIST_CLASS,
  GROUP_META_CLASS,
  GROUP_NAME_CLASS,
  SECTION_TITLE_CLASS,
  SELECTED_CLASS
} from '../../registry/widgets/classes';

export const FEATURE_STORE_CLASS = 'jp-MlopsStudio-featureStore';
export const FS_SIDEBAR_CLASS = 'jp-MlopsStudio-featureStoreSidebar';
export const FS_MAIN_CLASS = 'jp-MlopsStudio-featureStoreMain';
export const FS_TOOLBAR_CLASS = 'jp-MlopsStudio-featureStoreToolbar';
export const FS_SECTION_CLASS = 'jp-MlopsStudio-fsSection';
export const STATS_CLASS = 'jp-MlopsStudio-fsStats';
export const STAT_CLASS = 'jp-MlopsStudio-fsStat';
export const TABLE_CLASS = 'jp-MlopsStudio-fsTable';
export const TABLE_SCROLL_CLASS = 'jp-MlopsStudio-fsTableScroll';
export const NULL_CLASS = 'jp-MlopsStudio-fsNull';
export const TYPE_CLASS = 'jp-MlopsStudio-fsType';
export const ROLE_CLASS = 'jp-MlopsStudio-fsRole';
export const TAG_CLASS = 'jp-MlopsStudio-fsTag';
export const LOOKUP_CLASS = 'jp-MlopsStudio-fsLookup';
export const SQL_CLASS = 'jp-MlopsStudio-fsSql';
export const SQL_EDITOR_CLASS = 'jp-MlopsStudio-fsSqlEditor';
export const SQL_ACTIONS_CLASS = 'jp-MlopsStudio-fsSqlActions';
export const HINT_CLASS = 'jp-MlopsStudio-fsHint';
export const HISTOGRAM_CLASS = 'jp-MlopsStudio-fsHistogram';
