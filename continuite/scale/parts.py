"""Per-app parts of the generated region, each ``part(generator, lycees)`` writing with COPY."""

PARTS: list = []
