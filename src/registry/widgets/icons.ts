/**
 * The registry icon: a stack of versioned model packages.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const REGISTRY_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2 3 6.5 12 11l9-4.5L12 2z"/>
    <path d="m3 11.5 9 4.5 9-4.5V9.3L12 13.8 3 9.3v2.2z"/>
    <path d="m3 16.5 9 4.5 9-4.5v-2.2l-9 4.5-9-4.5v2.2z"/>
  </g>
</svg>`;

/** The icon of the model registry panel. */
export const registryIcon = new LabIcon({
  name: 'jupyter-mlops-studio:registry',
  svgstr: REGISTRY_SVG
});
