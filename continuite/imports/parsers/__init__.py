"""Parsers of the files French schools export: pure functions from bytes to dataclasses, no database."""
