"""Additions to moto, one module each; every module has an ``install()`` that emulator.install() calls."""
