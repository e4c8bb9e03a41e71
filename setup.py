# The project is described in pyproject.toml; this shim keeps `pip install -e .` working with
# older tooling that still looks for setup.py.
from setuptools import setup

setup()
