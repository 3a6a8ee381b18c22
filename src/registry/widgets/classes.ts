/**
 * CSS class names of the registry panel (styled in `style/registry.css`;
 * the `jp-MlopsStudio-list` and `-item…` classes in `style/base.css`).
 */
export const REGISTRY_CLASS = 'jp-MlopsStudio-registry';
export const REGISTRY_SIDEBAR_CLASS = 'jp-MlopsStudio-registrySidebar';
export const REGISTRY_MAIN_CLASS = 'jp-MlopsStudio-registryMain';
export const REGISTRY_TOOLBAR_CLASS = 'jp-MlopsStudio-registryToolbar';
export const GROUP_LIST_CLASS = 'jp-MlopsStudio-groupList jp-MlopsStudio-list';
export const GROUP_ITEM_CLASS = 'jp-MlopsStudio-groupItem';
export const GROUP_BUTTON_CLASS = 'jp-MlopsStudio-groupButton';
export const GROUP_NAME_CLASS =
  'jp-MlopsStudio-groupName jp-MlopsStudio-itemName';
export const GROUP_META_CLASS =
  'jp-MlopsStudio-groupMeta jp-MlopsStudio-itemMeta';
export const GROUP_DESCRIPTION_CLASS =
  'jp-MlopsStudio-groupDescription jp-MlopsStudio-itemDescription';
export const SELECTED_CLASS = 'jp-mod-selected';
export const SECTION_TITLE_CLASS = 'jp-MlopsStudio-registryHeading';
export const VERSIONS_TABLE_CLASS = 'jp-MlopsStudio-versionsTable';
export const VERSION_ROW_CLASS = 'jp-MlopsStudio-versionRow';
export const BADGE_CLASS = 'jp-MlopsStudio-badge';
export const ALIAS_CLASS = 'jp-MlopsStudio-alias';
export const CHART_CLASS = 'jp-MlopsStudio-chart';
export const CHART_SECTION_CLASS = 'jp-MlopsStudio-chartSection';
export const DETAILS_CLASS = 'jp-MlopsStudio-versionDetails';
export const DETAILS_GRID_CLASS = 'jp-MlopsStudio-detailsGrid';
export const ACTIONS_CLASS = 'jp-MlopsStudio-versionActions';
export const MODEL_CARD_CLASS = 'jp-MlopsStudio-modelCard';
export const GATE_LIST_CLASS = 'jp-MlopsStudio-gateList';
export const AUDIT_LIST_CLASS = 'jp-MlopsStudio-auditList';
export const ALIAS_FORM_CLASS = 'jp-MlopsStudio-aliasForm';
export const LINK_CLASS = 'jp-MlopsStudio-link';
