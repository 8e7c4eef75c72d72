from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "sammen.core"
    label = "core"
    verbose_name = "Sammen kerne"

    def ready(self) -> None:
        from sammen.core import db_roles

        connection_created.connect(db_roles.on_connection_created, dispatch_uid="sammen_db_role")
        post_migrate.connect(db_roles.on_post_migrate, dispatch_uid="sammen_db_roles")
