/**
 * CSS class names of the registry panel (styled in `style/registry.css`;
 * the `jp-MlopsStudio-list` and `-item…` classes in `style/base.css`).
 */
export {
  GROUP_BUTTON_CLASS,
  GROUP_DESCRIPTION_CLASS,
  GROUP_ITEM_CLASS,
  GROUP_LIST_CLASS,
  GROUP_META_CLASS,
  GROUP_NAME_CLASS,
  SELECTED_CLASS
} from '../../widgets/classes';

export const REGISTRY_CLASS = 'jp-MlopsStudio-registry';
export const REGISTRY_SIDEBAR_CLASS = 'jp-MlopsStudio-registrySidebar';
export const REGISTRY_MAIN_CLASS = 'jp-MlopsStudio-registryMain';
export const REGISTRY_TOOLBAR_CLASS = 'jp-MlopsStudio-registryToolbar';
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
