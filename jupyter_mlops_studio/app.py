"""StudioApp: configuration, services built once, routes registered."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from traitlets import Bool, Float, Int, List, Type, Unicode, default
from traitlets.utils.importstring import import_item

from .collab.documentroom import install as install_document_rooms
from .collab.handlers import HANDLERS as COLLAB_HANDLERS
from .collab.history import DocumentHistory
from .collab.rooms import ROOM_ROUTE, RoleAwareRoomHandler
from .collab.shutdown import release_workers_at_exit
from .core.artifacts import ArtifactStore, LocalArtifactStore
from .core.authorizer import GUARD_KEY, StudioAuthorizer
from .core.db import Database, SchemaMismatch
from .core.guard import JupyterGuard, listing_handlers
from .core.handlers import API_BASE, OpenAPIHandler
from .core.identity import StudioIdentityProvider
from .core.permissions import ADMIN
from .core.policy import AccessPolicy
from .core.services import SETTINGS_KEY, StudioServices
from .core.users import IdentityService
from .core.users_handlers import HANDLERS as USER_HANDLERS
from .featurestore.handlers import HANDLERS as FEATURESTORE_HANDLERS
from .featurestore.offline import OfflineStore
from .featurestore.online import OnlineStore, SqlOnlineStore
from .featurestore.service import FeatureStoreService
from .gallery.handlers import HANDLERS as GALLERY_HANDLERS
from .gallery.service import GalleryService
from .images.backends import BACKENDS, BuildBackend
from .images.handlers import HANDLERS as IMAGE_HANDLERS
from .images.service import ImageBuildService
from .localrun.handlers import HANDLERS as LOCALRUN_HANDLERS
from .localrun.service import LocalRunService
from .projects.handlers import HANDLERS as PROJECT_HANDLERS
from .projects.service import ProjectService
from .registry.handlers import HANDLERS as REGISTRY_HANDLERS
from .registry.service import RegistryService
from .registry.webhooks import WebhookService
from .sharing.handlers import HANDLERS as SHARING_HANDLERS
from .sharing.handlers import PAGE_ROUTE as SHARE_PAGE_ROUTE
from .sharing.service import SharingService
from .spaces.handlers import HANDLERS as SPACE_HANDLERS
from .spaces.paths import PathTraversal, SpacePaths
from .spaces.service import SpaceService


def default_data_dir() -> str:
    return os.path.join(jupyter_data_dir(), "mlops_studio")


_heap_frozen = False


def _freeze_startup_heap() -> None:
    """gc.freeze() once per process (a later server in the same process, as in tests, would
    otherwise freeze what its predecessors left for the collector)."""
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()


def _without_server_token(previous):
    """A JupyterLab page-config hook that never puts the server token into a page.

    JupyterLab writes the server token into every page it serves; the token acts as the domain
    admin, so every signed-in user would become admin. Browsers use their login cookie instead.
    """

    def hook(handler, page_config):
        if previous is not None:
            page_config = previous(handler, page_config)
        page_config["token"] = ""
        return page_config

    return hook


class StudioApp(ExtensionApp):
    """The jupyter-mlops-studio server extension."""

    name = "jupyter_mlops_studio"
    load_other_extensions = True

    data_dir = Unicode(
        config=True,
        help="Where the studio keeps its database, artifacts, archives and collaboration stores.",
    )

    @default("data_dir")
    def _default_data_dir(self):
        return os.environ.get("STUDIO_DATA_DIR") or default_data_dir()

    db_url = Unicode(
        "",
        config=True,
        help="SQLAlchemy URL of the metadata database (empty: SQLite file studio.db in data_dir). "
        "PostgreSQL: postgresql+psycopg2://user@host:5432/db",
    )

    artifact_store_class = Type(
        default_value=LocalArtifactStore,
        klass=ArtifactStore,
        config=True,
        help="Artifact store class: LocalArtifactStore (under data_dir/artifacts) or "
        "jupyter_mlops_studio.core.artifacts.S3ArtifactStore (set S3ArtifactStore.bucket, "
        ".prefix, .endpoint_url).",
    )

    spaces_root = Unicode(
        "spaces",
        config=True,
        help="Folder of the spaces, relative to the server's root_dir (must stay inside it).",
    )

    admin_username = Unicode(
        "admin",
        config=True,
        help="The admin profile created with the domain; the server's own token signs in as it.",
    )

    domain_name = Unicode("default", config=True, help="Name of the domain created at first start.")

    freeze_startup_heap = Bool(
        True,
        config=True,
        help="""Move the objects of the server's start-up out of the garbage collector's reach
        (gc.freeze) once it serves: full collections then walk only what was made since, and
        no longer pause the server for 100-250 ms, which under co-editing load was the tail of
        every edit's latency.""",
    )

    max_body_size = Int(
        1024 * 1024,
        config=True,
        help="Largest request body (bytes) the studio API accepts; larger ones get 413.",
    )

    max_upload_size = Int(
        100 * 1024 * 1024,
        config=True,
        help="Largest model artifact upload (bytes) to the registry; larger ones get 413.",
    )
    max_snapshot_size = Int(
        100 * 1024 * 1024,
        config=True,
        help="Largest notebook (bytes) a snapshot takes; larger ones get 413.",
    )

    online_store_class = Type(
        default_value=SqlOnlineStore,
        klass=OnlineStore,
        config=True,
        help="Online store of the feature store: SqlOnlineStore (the studio database) or "
        "jupyter_mlops_studio.featurestore.online.RedisOnlineStore (set RedisOnlineStore.url).",
    )
    featurestore_flush_interval = Float(
        5.0,
        config=True,
        help="Seconds between flushes of acknowledged single puts from the durable buffer to "
        "offline Parquet files (also flushed at shutdown, at start and before offline reads).",
    )
    featurestore_query_timeout = Float(
        30.0, config=True, help="Seconds an offline-store SQL query may run before it is stopped."
    )
    featurestore_memory_limit = Unicode(
        "2GB", config=True, help="Memory DuckDB may use per offline query or training set."
    )

    image_build_backends = List(
        Unicode(),
        default_value=["codebuild", "docker"],
        config=True,
        help="Image build backends offered: codebuild (configure CodeBuildBackend.bucket, .role, "
        ".region_name, .endpoint_url), docker (a local Docker or Podman engine), or the import "
        "path of a BuildBackend subclass of your own.",
    )
    max_build_context_size = Int(
        500 * 1024 * 1024,
        config=True,
        help="Largest image build context (bytes); larger ones get 413 before any upload.",
    )

    template_dirs = List(
        Unicode(),
        default_value=[],
        config=True,
        help="Folders of gallery templates (each a template folder with template.yaml, or a "
        "folder holding several at any depth; .galleryignore lines skip folders). Besides "
        "these, the gallery shows the templates shipped with the studio, the domain catalog "
        "(<data_dir>/gallery), entry points of group jupyter_mlops_studio.templates and "
        "registry groups published to the gallery.",
    )

    def _link_jupyter_server_extension(self, serverapp):
        super()._link_jupyter_server_extension(serverapp)
        # linking runs before the server builds its identity provider and authorizer: make them
        # the studio's unless the operator chose others (e.g. JupyterHub's)
        configured = serverapp.config.ServerApp
        if "identity_provider_class" not in configured:
            serverapp.identity_provider_class = StudioIdentityProvider
        if "authorizer_class" not in configured:
            serverapp.authorizer_class = StudioAuthorizer
        # keep jupyter-collaboration's stores in the studio data dir, not in the server root
        data = Path(self.data_dir)
        c = serverapp.config
        if "db_path" not in c.SQLiteYStore:
            c.SQLiteYStore.db_path = str(data / "collaboration" / "ystore.db")
        if "db_path" not in c.BaseFileIdManager and "db_path" not in c.ArbitraryFileIdManager:
            c.BaseFileIdManager.db_path = str(data / "collaboration" / "file_id_manager.db")
            c.ArbitraryFileIdManager.db_path = str(data / "collaboration" / "file_id_manager.db")
            c.LocalFileIdManager.db_path = str(data / "collaboration" / "file_id_manager.db")
        if "ystore_class" not in c.YDocExtension:
            from .collab.ystore import StudioYStore

            c.YDocExtension.ystore_class = StudioYStore
        if "session_store_path" not in c.YDocExtension:
            c.YDocExtension.session_store_path = str(data / "collaboration" / "sessions.json")
        (data / "collaboration").mkdir(parents=True, exist_ok=True)

    def build_services(self) -> StudioServices:
        data = Path(self.data_dir)
        data.mkdir(parents=True, exist_ok=True)
        db = Database(self.db_url or f"sqlite:///{data / 'studio.db'}")
        db.ensure_schema()
        identity = IdentityService(db, self.domain_name)
        identity.ensure_domain()
        if identity.find_user(self.admin_username) is None:
            identity.create_user(self.admin_username, [ADMIN], "Administrator")
            self.log.info(
                "Created the domain admin %r (the server token signs in as it)", self.admin_username
            )
        try:
            paths = SpacePaths(self.serverapp.root_dir, self.spaces_root)
        except PathTraversal as e:
            raise ValueError(f"StudioApp.spaces_root must stay inside root_dir: {e}") from e
        paths.spaces_dir.mkdir(parents=True, exist_ok=True)
        spaces = SpaceService(db, identity, paths, data / "archive")
        artifact_cls = self.artifact_store_class
        artifacts = (
            artifact_cls(parent=self, root_dir=str(data / "artifacts"))
            if issubclass(artifact_cls, LocalArtifactStore)
            else artifact_cls(parent=self)
        )
        artifacts.check()  # a misconfigured store stops the server now, not at first use
        policy = AccessPolicy(paths, spaces.roles_of)
        webhooks = WebhookService(db)
        featurestore = FeatureStoreService(
            db,
            self.online_store_class(parent=self, db=db),
            OfflineStore(
                db,
                artifacts,
                str(data / "featurestore-cache"),
                memory_limit=self.featurestore_memory_limit,
                query_timeout=self.featurestore_query_timeout,
            ),
            flush_interval=self.featurestore_flush_interval,
        )
        images = ImageBuildService(
            db,
            spaces,
            paths,
            data / "image-builds",
            {b.name: b for b in (cls(parent=self) for cls in self._build_backend_classes())},
            max_context_size=self.max_build_context_size,
        )
        registry = RegistryService(db, identity, spaces, paths, policy, artifacts, webhooks)
        localruns = LocalRunService(
            db, spaces, paths, policy, artifacts, registry, data / "localruns"
        )
        services = StudioServices(
            db=db,
            identity=identity,
            paths=paths,
            spaces=spaces,
            policy=policy,
            artifacts=artifacts,
            admin_username=self.admin_username,
            max_body_size=self.max_body_size,
            max_upload_size=self.max_upload_size,
            registry=registry,
            webhooks=webhooks,
            sharing=SharingService(
                db, identity, spaces, paths, policy, artifacts, self.max_snapshot_size
            ),
            featurestore=featurestore,
            images=images,
            localruns=localruns,
            gallery=GalleryService(
                spaces,
                paths,
                data / "gallery",
                self.template_dirs,
                registry,
                max_upload_size=self.max_upload_size,
                artifacts=artifacts,
            ),
        )
        services.history = DocumentHistory(data / "collaboration" / "history")
        services.projects = ProjectService(
            db, identity, spaces, paths, registry, services.gallery, spaces.archive_dir
        )
        return services

    def _build_backend_classes(self) -> list[type[BuildBackend]]:
        """``image_build_backends`` entries: a built-in name or the import path of a
        BuildBackend subclass (a backend of your own, e.g. ``mypkg.builds.KanikoBackend``)."""
        classes = []
        for entry in self.image_build_backends:
            cls = BACKENDS.get(entry) or (import_item(entry) if "." in entry else None)
            if not (isinstance(cls, type) and issubclass(cls, BuildBackend)):
                raise ValueError(
                    f"StudioApp.image_build_backends: {entry!r} is neither "
                    f"{' nor '.join(BACKENDS)} nor the import path of a BuildBackend subclass"
                )
            classes.append(cls)
        return classes

    def initialize_settings(self):
        try:
            self.services = self.build_services()
        except SchemaMismatch as e:
            self.log.critical("%s", e.message)
            sys.exit(1)  # refuse to start rather than run on a database of another revision
        self.services.webhooks.start()  # delivers pending webhook events, also those of before
        self.services.featurestore.start()  # replays puts a crash left in the offline buffer
        self.services.images.start()  # fails the builds a crash left unfinished
        self.services.projects.recover()  # completes or undoes what a crash left in progress
        self.services.localruns.start()  # fails the local runs a restart left InProgress
        settings = self.serverapp.web_app.settings
        settings[SETTINGS_KEY] = self.services
        install_document_rooms(self.services.history)
        release_workers_at_exit()
        if self.freeze_startup_heap:
            IOLoop.current().add_callback(_freeze_startup_heap)  # once every extension loaded
        settings[GUARD_KEY] = JupyterGuard(settings)
        settings["page_config_hook"] = _without_server_token(settings.get("page_config_hook"))
        self.log.info(
            "MLOps Studio: data in %s, database %s, spaces in %s",
            self.data_dir,
            self.services.db.safe_url,
            self.services.paths.spaces_dir,
        )

    def initialize_handlers(self):
        api = [
            (url_path_join(API_BASE, pattern), cls)
            for pattern, cls in (
                *USER_HANDLERS,
                *SPACE_HANDLERS,
                *REGISTRY_HANDLERS,
                *SHARING_HANDLERS,
                *FEATURESTORE_HANDLERS,
                *IMAGE_HANDLERS,
                *LOCALRUN_HANDLERS,
                *GALLERY_HANDLERS,
                *COLLAB_HANDLERS,
                *PROJECT_HANDLERS,
                (r"/openapi.yaml", OpenAPIHandler),
            )
        ]
        self.handlers.extend(api)
        self.handlers.extend(listing_handlers())
        self.handlers.append((ROOM_ROUTE, RoleAwareRoomHandler))
        self.handlers.append(SHARE_PAGE_ROUTE)

    async def stop_extension(self):
        services = getattr(self, "services", None)
        if services is not None:
            services.webhooks.stop()
            services.featurestore.stop()
            services.images.stop()
            services.localruns.stop()
            services.db.dispose()
