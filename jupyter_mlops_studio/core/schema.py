"""The one metadata of every capability's tables (imported by migrations and the schema test)."""

from ..featurestore import models as _featurestore_models  # noqa: F401
from ..images import models as _images_models  # noqa: F401
from ..localrun import models as _localrun_models  # noqa: F401
from ..projects import models as _projects_models  # noqa: F401
from ..registry import models as _registry_models  # noqa: F401  (registers the tables)
from ..sharing import models as _sharing_models  # noqa: F401
from ..spaces import models as _spaces_models  # noqa: F401
from . import models as _core_models  # noqa: F401
from .db import Base

metadata = Base.metadata
