"""Services: one function per job. Each loads from the store, calls the pure core, saves, and
returns plain values for the CLI to print. Writing jobs run inside ``job()``: one transaction
that also appends the audit entry."""
