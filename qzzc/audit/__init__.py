"""The audit trail (SPEC §10): the protected records' digests, the guard, listing and verifying.

Every writing job (``qzzc.services.base.job``) records in its audit entry the digest of the
protected records as they stand after it (``protected_state``): the plan, the rules, applicants
and verdicts per committee, the expert pool, and per meeting its record, draws, seats,
replacements, tallies and tally results. ``verify`` recomputes the chain link by link and the
current digest against the last entry's, so an entry deleted, edited or reordered, or a protected
record changed behind qzzc's back, is found and named.

A change cannot be laundered by the next command: before a job writes anything it checks, as
``verify`` does, that the whole chain holds, that the protected records (the store's year and
schema version among them) are still as the last entry recorded them, that the last entry is the
one the store's head marker (``meta.audit_head``, updated with every entry) names, so that a
deleted last entry shows, and that the database holds no trigger, rule, policy or view qzzc does
not create (``foreign_objects``). If not, the job is refused (``Tampered``) and nothing is
written, until the office restores a backup (or has the objects removed) or a responsible person
records a change of the records with ``qzzc audit accept --reason`` (``accept``), an entry that
names every changed group and the reason, for the inspectors to see.

What the chain cannot show alone: someone able to rewrite the whole store can rewrite the whole
chain and the marker too. ``qzzc audit verify`` therefore prints the head hash, for the office to
note down (in the minutes, on the filing form); ``--head HASH`` later proves that entry is still in
the chain.

Modules: ``kinds`` (what is protected), ``digests`` (the state's digest), ``log`` (the entries),
``guard`` (what differs, and the check every job runs first), ``verify``. The chain's arithmetic is
pure, in ``qzzc.core.audit``; the jobs that write (``accept``, ``backup``) are
``qzzc.services.audit``'s. Nothing here imports the services.
"""
