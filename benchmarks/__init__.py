"""Benchmarks of labkit against the standard tools, run with ``bash benchmarks/run``.

Each benchmark measures its competitor in a child process, so that the numbers
are those of the work alone, never of the harness around it.
"""
