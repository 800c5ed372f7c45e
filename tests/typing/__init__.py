"""Type-checked only (``mypy --strict tests/typing``), never collected by pytest.

Each file here is code a user could write; ``assert_type`` states what mypy
must infer, and ``# type: ignore[code]`` marks what must stay a type error
(under ``--strict`` an ignore that is no longer needed is itself an error).
tests/test_typing.py runs mypy on this folder.
"""
