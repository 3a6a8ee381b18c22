/**
 * The projects icon: a repository branch (two commits and a fork).
 */
import { LabIcon } from '@jupyterlab/ui-components';

const PROJECT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M6 3a3 3 0 0 1 1 5.83v6.34A3 3 0 1 1 5 15.17V8.83A3 3 0 0 1 6 3zm12 0a3 3 0 0 1 1 5.83V10a4 4 0 0 1-4 4H9.5v-2H15a2 2 0 0 0 2-2V8.83A3 3 0 0 1 18 3z"/>
  </g>
</svg>`;

/** The icon of the Projects section. */
export const projectIcon = new LabIcon({
  name: 'jupyter-mlops-studio:project',
  svgstr: PROJECT_SVG
});
