/**
 * CSS class names of the sharing widgets (styled in `style/sharing.css`;
 * the `jp-MlopsStudio-list` and `-item…` classes in `style/base.css`).
 */
export const SHARE_FORM_CLASS = 'jp-MlopsStudio-shareForm';
export const CHECK_FIELD_CLASS = 'jp-MlopsStudio-checkField';
export const HINT_CLASS = 'jp-MlopsStudio-hint';
export const AUDIENCE_CLASS = 'jp-MlopsStudio-audience';
export const USER_CHOICES_CLASS =
  'jp-MlopsStudio-userChoices jp-MlopsStudio-list';
export const SHARE_RESULT_CLASS = 'jp-MlopsStudio-shareResult';
export const LINK_ROW_CLASS = 'jp-MlopsStudio-linkRow';
export const STATUS_CLASS = 'jp-MlopsStudio-status';
export const PREVIEW_CLASS = 'jp-MlopsStudio-preview';
export const PREVIEW_HEADER_CLASS = 'jp-MlopsStudio-previewHeader';
export const PREVIEW_TITLE_CLASS = 'jp-MlopsStudio-previewTitle';
export const PREVIEW_DETAILS_CLASS = 'jp-MlopsStudio-previewDetails';
export const PREVIEW_ACTIONS_CLASS = 'jp-MlopsStudio-previewActions';
export const PREVIEW_NOTICE_CLASS = 'jp-MlopsStudio-previewNotice';
export const PREVIEW_CELLS_CLASS = 'jp-MlopsStudio-previewCells';
export const PREVIEW_CELL_CLASS = 'jp-MlopsStudio-previewCell';
export const PREVIEW_SOURCE_CLASS = 'jp-MlopsStudio-previewSource';
export const PREVIEW_PROMPT_CLASS = 'jp-MlopsStudio-previewPrompt';
export const SNAPSHOTS_CLASS = 'jp-MlopsStudio-snapshots';
export const SNAPSHOT_LIST_CLASS =
  'jp-MlopsStudio-snapshotList jp-MlopsStudio-list';
export const SNAPSHOT_ITEM_CLASS = 'jp-MlopsStudio-snapshotItem';
export const SNAPSHOT_NAME_CLASS =
  'jp-MlopsStudio-snapshotName jp-MlopsStudio-itemName';
export const SNAPSHOT_META_CLASS =
  'jp-MlopsStudio-snapshotMeta jp-MlopsStudio-itemMeta';
export const LINK_LIST_CLASS = 'jp-MlopsStudio-linkList jp-MlopsStudio-list';
export const LINK_ITEM_CLASS = 'jp-MlopsStudio-linkItem';
export const LINK_META_CLASS =
  'jp-MlopsStudio-linkMeta jp-MlopsStudio-itemMeta';
export const TITLE_BUTTON_CLASS = 'jp-MlopsStudio-titleButton';
export const ACTIONS_CLASS = 'jp-MlopsStudio-spaceActions';
