"""Shared plumbing that no domain owns: roles, the public cache, upload names, file serving,
mail rendering, permission mixins. It imports no domain app; every domain may import it."""
