/**
 * CSS class names of the studio panel (styled in `style/base.css`).
 *
 * The classes shared with the registry panel: `jp-MlopsStudio-list` (a list
 * without bullets), `-itemName`, `-itemMeta` and `-itemDescription` (the
 * lines of a list item), and `SUBHEADING_CLASS`.
 */
export const PANEL_CLASS = 'jp-MlopsStudio-panel';
export const SECTION_CLASS = 'jp-MlopsStudio-section';
export const USER_HEADER_CLASS = 'jp-MlopsStudio-userHeader';
export const USER_NAME_CLASS = 'jp-MlopsStudio-userName';
export const USER_LOGIN_CLASS = 'jp-MlopsStudio-userLogin';
export const CHIPS_CLASS = 'jp-MlopsStudio-chips';
export const CHIP_CLASS = 'jp-MlopsStudio-chip';
export const SPACES_CLASS = 'jp-MlopsStudio-spaces';
export const SPACES_TOOLBAR_CLASS = 'jp-MlopsStudio-spacesToolbar';
export const SPACE_GROUP_CLASS = 'jp-MlopsStudio-spaceGroup';
export const SPACE_LIST_CLASS = 'jp-MlopsStudio-spaceList jp-MlopsStudio-list';
export const SPACE_ITEM_CLASS = 'jp-MlopsStudio-spaceItem';
export const SPACE_NAME_CLASS =
  'jp-MlopsStudio-spaceName jp-MlopsStudio-itemName';
export const SPACE_META_CLASS =
  'jp-MlopsStudio-spaceMeta jp-MlopsStudio-itemMeta';
export const SPACE_DESCRIPTION_CLASS =
  'jp-MlopsStudio-spaceDescription jp-MlopsStudio-itemDescription';
export const SPACE_ACTIONS_CLASS = 'jp-MlopsStudio-spaceActions';
/** The group list of the registry and feature store panels (`grouplist`). */
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
export const SUBHEADING_CLASS = 'jp-MlopsStudio-subheading';
export const EMPTY_CLASS = 'jp-MlopsStudio-empty';
export const ERROR_CLASS = 'jp-MlopsStudio-error';
export const BUTTON_CLASS = 'jp-MlopsStudio-button jp-mod-styled';
export const PRIMARY_BUTTON_CLASS =
  'jp-MlopsStudio-button jp-mod-styled jp-mod-accept';
export const DANGER_BUTTON_CLASS =
  'jp-MlopsStudio-button jp-mod-styled jp-mod-warn';
export const BACKDROP_CLASS = 'jp-MlopsStudio-backdrop';
export const DIALOG_CLASS = 'jp-MlopsStudio-dialog';
export const DIALOG_TITLE_CLASS = 'jp-MlopsStudio-dialogTitle';
export const DIALOG_BUTTONS_CLASS = 'jp-MlopsStudio-dialogButtons';
export const FIELD_CLASS = 'jp-MlopsStudio-field';
export const MEMBER_LIST_CLASS =
  'jp-MlopsStudio-memberList jp-MlopsStudio-list';
export const MEMBER_ITEM_CLASS = 'jp-MlopsStudio-memberItem';
export const ADD_MEMBER_CLASS = 'jp-MlopsStudio-addMember';
export const SUGGESTIONS_CLASS =
  'jp-MlopsStudio-suggestions jp-MlopsStudio-list';
export const INPUT_CLASS = 'jp-MlopsStudio-input jp-mod-styled';
export const KEY_VALUE_CLASS = 'jp-MlopsStudio-keyValues';
export const KEY_VALUE_ROW_CLASS = 'jp-MlopsStudio-keyValueRow';
