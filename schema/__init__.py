"""The event model, its vocabularies and rules, and the forms derived from it."""
