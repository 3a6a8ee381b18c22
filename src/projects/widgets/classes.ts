/**
 * CSS class names of the project widgets (styled in `style/projects.css`;
 * the `jp-MlopsStudio-list`, `-item…`, `-badge`, `-hint` and
 * `-fieldProblem` classes are shared).
 */
export const PROJECTS_CLASS = 'jp-MlopsStudio-projects';
export const PROJECTS_TOOLBAR_CLASS = 'jp-MlopsStudio-projectsToolbar';
export const PROJECT_LIST_CLASS =
  'jp-MlopsStudio-projectList jp-MlopsStudio-list';
export const PROJECT_ITEM_CLASS = 'jp-MlopsStudio-projectItem';
export const PROJECT_NAME_CLASS =
  'jp-MlopsStudio-projectName jp-MlopsStudio-itemName';
export const PROJECT_META_CLASS =
  'jp-MlopsStudio-projectMeta jp-MlopsStudio-itemMeta';
export const PROJECT_FAILURE_CLASS = 'jp-MlopsStudio-projectFailure';
export const PROJECT_FORM_CLASS = 'jp-MlopsStudio-projectForm';
export const PARAMETERS_CLASS = 'jp-MlopsStudio-parameters';
