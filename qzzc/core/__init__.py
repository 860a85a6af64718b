"""The pure domain of qzzc: values in, values out.

Nothing in this package touches a database, a file, the terminal, the clock or a global random
source; ``tests/core/test_purity.py`` fails on an import of the libraries that would.
"""
