"""Bulk archive migration: a back catalogue of legacy scans (a folder tree of
any depth, optionally with a CSV/xlsx register of legacy metadata) taken
into the archive through the same intake and pipeline as the inbox, on a
queue of its own that always yields to live inbox traffic.

    source.walk ─▶ feeder (gate: in-flight window, live backlog, --rate)
                     └─▶ take (store → ledger + migration_files) ─▶ MIGRATION_QUEUE
                                                                    └─▶ actors.migrate_document
    report.build ◀── archive.migration_state (+ documents)      (defers while live waits)
"""
