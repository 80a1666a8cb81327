"""The built-in answer types, one module each; importing this package registers them.

To add a type, copy ``integer_answer.py`` (its docstring walks through it) and
add the module to the import list below; ``tests/grading/test_registry.py``
fails if a module in this folder is not imported here.
"""

from __future__ import annotations

from labkit.grading.answer_types import (
    address_answer,
    bytesize_answer,
    choice_answer,
    datetime_answer,
    domain_answer,
    email_answer,
    hash_answer,
    integer_answer,
    ip_answer,
    list_answer,
    mac_answer,
    number_answer,
    path_answer,
    port_answer,
    rubric_answer,
    serial_answer,
    set_answer,
    text_answer,
)

__all__ = [
    "address_answer",
    "bytesize_answer",
    "choice_answer",
    "datetime_answer",
    "domain_answer",
    "email_answer",
    "hash_answer",
    "integer_answer",
    "ip_answer",
    "list_answer",
    "mac_answer",
    "number_answer",
    "path_answer",
    "port_answer",
    "rubric_answer",
    "serial_answer",
    "set_answer",
    "text_answer",
]
