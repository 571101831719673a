"""The labelled corpus: build it from raw authoring files, check it, and count it."""
