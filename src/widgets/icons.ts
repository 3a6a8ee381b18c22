/**
 * The studio icon: a small rack of two shared "spaces" under a roof.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const STUDIO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2 2 7v2h20V7L12 2zm0 2.2L18.1 7H5.9L12 4.2z"/>
    <rect x="3" y="11" width="8" height="10" rx="1"/>
    <rect x="13" y="11" width="8" height="10" rx="1"/>
  </g>
  <g class="jp-icon-accent0" fill="#fff">
    <circle cx="7" cy="15" r="1.5"/>
    <circle cx="17" cy="15" r="1.5"/>
  </g>
</svg>`;

/** The icon of the studio sidebar. */
export const studioIcon = new LabIcon({
  name: 'jupyter-mlops-studio:studio',
  svgstr: STUDIO_SVG
});
