/**
 * CSS class names of the gallery panel (styled in `style/gallery.css`; the
 * `jp-MlopsStudio-list`, `-chip` and dialog classes in `style/base.css`).
 */
export const GALLERY_CLASS = 'jp-MlopsStudio-gallery';
export const GALLERY_SIDEBAR_CLASS = 'jp-MlopsStudio-gallerySidebar';
export const GALLERY_MAIN_CLASS = 'jp-MlopsStudio-galleryMain';
export const GALLERY_DETAILS_CLASS = 'jp-MlopsStudio-galleryDetails';
export const GALLERY_HEADING_CLASS = 'jp-MlopsStudio-galleryHeading';
export const GALLERY_TOOLBAR_CLASS = 'jp-MlopsStudio-galleryToolbar';
export const FACET_CLASS = 'jp-MlopsStudio-facet';
export const FACET_VALUE_CLASS = 'jp-MlopsStudio-facetValue';
export const FACET_COUNT_CLASS = 'jp-MlopsStudio-facetCount';
export const CARDS_CLASS = 'jp-MlopsStudio-templateCards jp-MlopsStudio-list';
export const CARD_CLASS = 'jp-MlopsStudio-templateCard';
export const CARD_BUTTON_CLASS = 'jp-MlopsStudio-templateCardButton';
export const CARD_TITLE_CLASS = 'jp-MlopsStudio-templateTitle';
export const CARD_META_CLASS = 'jp-MlopsStudio-templateMeta';
export const CARD_DESCRIPTION_CLASS = 'jp-MlopsStudio-templateDescription';
export const TYPE_BADGE_CLASS = 'jp-MlopsStudio-templateType';
export const FINE_TUNABLE_CLASS = 'jp-MlopsStudio-fineTunable';
export const TAGS_CLASS = 'jp-MlopsStudio-templateTags jp-MlopsStudio-chips';
export const PROBLEMS_CLASS = 'jp-MlopsStudio-templateProblems';
export const PARAMETERS_TABLE_CLASS = 'jp-MlopsStudio-parametersTable';
export const FILES_CLASS = 'jp-MlopsStudio-templateFiles jp-MlopsStudio-list';
export const FIELD_ERROR_CLASS = 'jp-MlopsStudio-fieldError';
export const CHECKBOX_FIELD_CLASS = 'jp-MlopsStudio-checkboxField';
export const OPEN_DIALOG_CLASS = 'jp-MlopsStudio-openTemplateDialog';
export const REQUIREMENTS_CLASS =
  'jp-MlopsStudio-templateRequirements jp-MlopsStudio-list';
