"""The kernel: what every app of the portal builds on, importing none of them.

Roles, the one door (`scoping`), generic views, forms, uploads, jobs, history, concurrency,
workflow, widgets, exports, tables, the admin base, middleware, sessions, permissions, and the
policy settings. Domain apps (campuses → staff → planning / sharing → evaluation) import the
kernel; the kernel learns about them only through what they register in their
`AppConfig.ready()`: the source of a user's campuses (`scoping.register_scope_source`) and the
sweepers of lost jobs (`jobs.register_requeue`). tests/test_layers.py keeps it so.
"""
