/**
 * CSS class names of the image build widgets (styled in `style/images.css`;
 * the `jp-MlopsStudio-list`, `-item…` and `-badge` classes are shared).
 */
export const BUILD_FORM_CLASS = 'jp-MlopsStudio-buildForm';
export const BUILD_CONTEXT_CLASS = 'jp-MlopsStudio-buildContext';
export const FIELD_PROBLEM_CLASS = 'jp-MlopsStudio-fieldProblem';
export const LAYOUT_ROW_CLASS = 'jp-MlopsStudio-layoutRow';
export const FINDINGS_CLASS = 'jp-MlopsStudio-findings jp-MlopsStudio-list';
export const FINDING_CLASS = 'jp-MlopsStudio-finding';
export const BUILDS_CLASS = 'jp-MlopsStudio-builds';
export const BUILD_LIST_CLASS = 'jp-MlopsStudio-buildList jp-MlopsStudio-list';
export const BUILD_ITEM_CLASS = 'jp-MlopsStudio-buildItem';
export const BUILD_NAME_CLASS =
  'jp-MlopsStudio-buildName jp-MlopsStudio-itemName';
export const BUILD_META_CLASS =
  'jp-MlopsStudio-buildMeta jp-MlopsStudio-itemMeta';
export const CACHED_CLASS = 'jp-MlopsStudio-cached';
export const BUILD_LOG_CLASS = 'jp-MlopsStudio-buildLog';
export const LOG_PANE_CLASS = 'jp-MlopsStudio-logPane';
export const LOG_PHASE_CLASS = 'jp-MlopsStudio-logPhase';
export const LOG_LINE_CLASS = 'jp-MlopsStudio-logLine';
export const LOG_STATUS_CLASS = 'jp-MlopsStudio-logStatus';
export const LOG_END_CLASS = 'jp-MlopsStudio-logEnd';
export const LOCAL_RUN_CLASS = 'jp-MlopsStudio-localRun';
