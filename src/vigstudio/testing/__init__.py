"""Test and benchmark machinery. Product modules never import this package.

It lives under ``src`` so that ``tests/`` and ``bench/`` share one copy; the import contract in
``tests/test_layering.py`` keeps it out of the product.
"""
