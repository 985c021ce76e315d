"""Import target of Dramatiq's worker processes (`dossier worker`).

Dramatiq's supervisor imports a module to find the broker and actors, so
this one module builds them at import, from the environment. Nothing else
in dossier does that.
"""

from __future__ import annotations

import functools

import dramatiq

from config.settings import Settings
from workers.logs import configure_logging
from workers.migration.actors import declare_migration_actor
from workers.resources import apply_memory_limit
from workers.runtime import Runtime, build_runtime
from workers.tasks import declare_actors, make_broker

_settings = Settings()
configure_logging(_settings.log_level)


@functools.cache
def _runtime() -> Runtime:
    # Built lazily: after the fork, in the process that uses it.
    apply_memory_limit(_settings.limits.memory_mb)
    return build_runtime(_settings)


broker = make_broker(_settings, queue_metrics=_settings.metrics.dramatiq)
dramatiq.set_broker(broker)
actors = declare_actors(broker, _runtime)
migration_actor = declare_migration_actor(broker, _runtime)  # its queue yields to live work
