"""labkit: hands-on digital-forensics training labs.

The public API is small::

    import labkit
    scenario = labkit.load_scenario("scenarios/usb-fraud.yaml")
    result = labkit.generate(scenario, seed=7, out="evidence_images/trainee-07")
    grade = labkit.grade(result.key_path, "evidence_images/trainee-07/case/answers.yaml")
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "generate", "grade", "load_scenario"]


def load_scenario(path):
    from labkit.scenario.loader import load_scenario as _load

    return _load(path)


def generate(scenario, seed, out, *, lang="en", verify=True):
    from labkit.generation import generate as _generate

    return _generate(scenario, seed, out, lang=lang, verify=verify)


def grade(key_path, answers_path):
    from labkit.grading import grade_files

    return grade_files(key_path, answers_path)
