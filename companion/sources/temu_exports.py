"""Placeholder: adapters for this source arrive in the sources issue."""

ADAPTERS: tuple = ()
