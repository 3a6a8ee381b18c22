"""The template gallery: templates from folders, entry points and the model registry, searched
with facets and instantiated into spaces."""
