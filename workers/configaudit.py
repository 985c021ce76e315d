"""Configuration changes are audited: forms, rules, thresholds and the
service's settings decide what is archived untouched, so a change to them
is as much a fact for auditors as a reviewer's approval.

At start-up the service fingerprints its configuration and, when the
fingerprint differs from the last one recorded, appends a
`configuration_changed` entry naming what changed (file hashes and
settings; never secrets or keys).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archive import audit
from archive.models import AuditEntry
from workers.runtime import Runtime

ACTION = "configuration_changed"
# Settings that carry secrets or locations of secrets stay out of the audit.
_PRIVATE = {"database_url", "broker_url", "key_file"}


def fingerprint(rt: Runtime) -> dict[str, Any]:
    files = {str(p.relative_to(rt.settings.forms_dir)): _sha256(p)
             for p in sorted(rt.settings.forms_dir.rglob("*")) if p.is_file()}
    settings = rt.settings.model_dump(mode="json", exclude=_PRIVATE)
    digest = hashlib.sha256(json.dumps([files, settings], sort_keys=True).encode()).hexdigest()
    return {"fingerprint": digest, "form_files": files, "settings": settings}


def record_if_changed(rt: Runtime, actor: str = "system") -> bool:
    """Append an audit entry when the configuration differs from the last
    recorded one; True when it did."""
    current = fingerprint(rt)
    with rt.transaction() as session:
        last = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == ACTION)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
        if last and last.get("fingerprint") == current["fingerprint"]:
            return False
        detail = {**current, "changed": _changed(last or {}, current)}
        audit.append(session, actor=actor, action=ACTION, detail=detail)
    return True


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    names = []
    for key in ("form_files", "settings"):
        old, new = before.get(key, {}), after[key]
        names += [f"{key}:{k}" for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return names


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
