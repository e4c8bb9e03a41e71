"""Benchmarks of the sixhave engine, run with `python -m bench` (or `make bench`).

The figures, the goals they are held to and the machine they last ran on are in bench/README.md.
"""
