/**
 * CSS class names of the presence widgets (styled in `style/presence.css`;
 * the `jp-MlopsStudio-list`, `-itemName`, `-itemMeta` and `-empty` classes
 * are shared).
 */
export const PRESENCE_CLASS = 'jp-MlopsStudio-presence';
export const PRESENCE_SPACE_LIST_CLASS =
  'jp-MlopsStudio-presenceSpaces jp-MlopsStudio-list';
export const PRESENCE_SPACE_CLASS = 'jp-MlopsStudio-presenceSpace';
export const PRESENCE_SPACE_NAME_CLASS =
  'jp-MlopsStudio-presenceSpaceName jp-MlopsStudio-itemName';
export const PRESENCE_COUNT_CLASS =
  'jp-MlopsStudio-presenceCount jp-MlopsStudio-itemMeta';
export const PEOPLE_LIST_CLASS =
  'jp-MlopsStudio-presencePeople jp-MlopsStudio-list';
export const PERSON_CLASS = 'jp-MlopsStudio-presencePerson';
export const PERSON_ROW_CLASS = 'jp-MlopsStudio-presencePersonRow';
export const PERSON_NAME_CLASS = 'jp-MlopsStudio-presencePersonName';
export const YOU_CLASS = 'jp-MlopsStudio-presenceYou jp-MlopsStudio-itemMeta';
export const AVATAR_CLASS = 'jp-MlopsStudio-avatar';
export const DOCUMENT_LIST_CLASS =
  'jp-MlopsStudio-presenceDocuments jp-MlopsStudio-list';
export const DOCUMENT_CLASS = 'jp-MlopsStudio-presenceDocument';
