import './base.css';
import './registry.css';
import './sharing.css';
import './featurestore.css';
import './images.css';
import './projects.css';
import './gallery.css';
import './collab.css';
