"""Reference solvers: bundled scenarios worked through from the case folder alone.

A solver is what a trainer runs to prove a lab can be solved with the tools the
trainee gets: it reads the briefing and the evidence (never the key), answers
with :mod:`labkit.tools.disk`, and fills in the case's ``answers.yaml``.
"""

from __future__ import annotations

from labkit.solvers.usb_fraud import Finding, Solution, investigate, solve

__all__ = ["Finding", "Solution", "investigate", "solve"]
