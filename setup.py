"""The package list, the one thing pyproject.toml cannot say: companion's packages as found, plus the
top-level extension/ folder as companion.extension (pyproject.toml's package-dir maps it), its subfolders
included so setuptools copies them as the package's own data rather than warning about them."""

from setuptools import find_namespace_packages, setup

extension = ["companion.extension", *(f"companion.extension.{p}" for p in find_namespace_packages(where="extension"))]
setup(packages=[*find_namespace_packages(include=["companion", "companion.*"]), *extension])
