"""Test and benchmark machinery. Product modules never import this package.

It lives under ``src`` so that ``tests/`` and ``bench/`` share one copy; the import contract
"Product modules never import vigstudio.testing" in ``pyproject.toml`` keeps it out of the
product.
"""
